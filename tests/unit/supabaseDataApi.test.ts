/** supabase-data-api-exposure: an advisory for Chatwoot's tables in public of Supabase's postgres database. */
import { evaluatePlan, supabaseDataApiExposure } from "../../lib/rules";
import { planPolicies } from "../../policies/planPolicies";
import { planOf, stagingWith } from "../support/configs";

describe("supabase-data-api-exposure", () => {
  it("flags the staging project: Chatwoot in public of postgres, Data API not declared hardened", () => {
    const [message] = supabaseDataApiExposure.check(planOf(stagingWith({})));
    expect(message).toContain("Supabase's Data API exposes public by default");
    expect(message).toContain("disable the Data API");
    expect(message).toContain("database.name other than postgres");
    expect(message).toContain("pulumi config set --path chatwoot:database.dataApiHardened true");
  });

  it("is advisory: it warns and never blocks", () => {
    expect(planPolicies.find((p) => p.name === "supabase-data-api-exposure")?.enforcementLevel).toBe("advisory");
    const verdict = evaluatePlan(planOf(stagingWith({}))).find((v) => v.rule === "supabase-data-api-exposure");
    expect(verdict?.enforcement).toBe("advisory");
  });

  it.each([
    ["the operator declares the Data API hardened", { database: { dataApiHardened: true } }],
    ["Chatwoot has a database of its own", { database: { name: "chatwoot" } }],
    [
      "the database is not Supabase's",
      {
        database: {
          provider: "postgres",
          computeSize: undefined,
          sslmode: "disable",
          endpoints: { direct: { host: "127.0.0.1", port: 5432, user: "c" }, session: { host: "127.0.0.1", port: 6432, user: "c" } },
          limits: { poolSize: 15, maxConnections: 100 },
        },
      },
    ],
  ])("stays quiet when %s", (_what, patch) => {
    expect(supabaseDataApiExposure.check(planOf(stagingWith(patch)))).toEqual([]);
  });
});
