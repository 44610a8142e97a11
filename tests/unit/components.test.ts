/**
 * The components used on their own, as a program other than stack.ts would use them: each Args
 * default as its doc comment states it, and the errors a component raises for arguments that config
 * validation keeps from stack.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChatwootDatabase } from "../../components/chatwootDatabase";
import { ChatwootDeployment } from "../../components/chatwootDeployment";
import { FlyApp } from "../../components/flyApp";
import { FlySecrets } from "../../components/flySecrets";
import { Release } from "../../components/resources/release";
import { planOf, SESSION_ENDPOINT, stagingRaw } from "../support/configs";
import { setEchoMocks, type Registered } from "../support/programUnderMocks";

/** Runs `build` in a stack under mocks (a preview) and returns what registered, or what `build` threw. */
async function underMocks(build: () => void): Promise<{ registered: Registered[]; thrown?: unknown }> {
  const registered: Registered[] = [];
  await setEchoMocks((resource) => registered.push(resource));
  let thrown: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    return {};
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { registered, thrown };
}

const fly = { flyctl: "flyctl", timeoutSeconds: 1800, app: "hotdash-chatwoot" };
const session = SESSION_ENDPOINT;

describe("the components on their own", () => {
  it("FlyApp keeps the app on destroy when destroyOnDelete is not given", async () => {
    const { registered } = await underMocks(() => new FlyApp("app", { fly, org: "hotdash" }));
    const ensure = registered.find((r) => r.name === "app-ensure");
    expect(ensure?.inputs).toMatchObject({ org: "hotdash", destroyOnDelete: false });
  });

  it("Release deploys without --update-only when updateOnly is not given", async () => {
    const { registered } = await underMocks(
      () => new Release("rel", { fly, image: "chatwoot/chatwoot:v4.14.0", flyToml: "app = 'x'", strategy: "rolling", redeployOn: "r1" }),
    );
    expect(registered.find((r) => r.name === "rel")?.inputs).toMatchObject({ updateOnly: false });
  });

  it("FlySecrets lists the names of its secrets, sorted", async () => {
    let keys: pulumi.Output<string[]> | undefined;
    await underMocks(() => {
      keys = new FlySecrets("secrets", { fly, values: { REDIS_URL: "r", FRONTEND_URL: "f", SECRET_KEY_BASE: "s" } }).keys;
    });
    expect(await new Promise((resolve) => keys!.apply(resolve))).toEqual(["FRONTEND_URL", "REDIS_URL", "SECRET_KEY_BASE"]);
  });

  it("ChatwootDatabase refuses database admin without the direct endpoint, before creating anything in it", async () => {
    const admin = { user: "postgres", password: "admin-pw", appRole: "chatwoot_app", connectionLimit: 17 };
    const { registered, thrown } = await underMocks(
      () => new ChatwootDatabase("db", { endpoints: { app: session, migration: session }, password: "pw", admin }),
    );
    expect(thrown).toBeInstanceOf(pulumi.ResourceError);
    expect((thrown as Error).message).toBe("database.admin needs the direct endpoint (declare database.endpoints.direct)");
    expect(registered.map((r) => r.name)).toEqual(["db"]);
  });

  it("ChatwootDeployment refuses a plan with database admin but no admin password, naming the secret, before any child", async () => {
    const plan = planOf(stagingRaw());
    const { registered, thrown } = await underMocks(
      () =>
        new ChatwootDeployment("chatwoot", {
          plan: { ...plan, admin: { ...plan.admin, enabled: true } },
          flyctl: "flyctl",
          frontendUrl: "https://support.staging.hotdash.example",
          credentials: { databasePassword: "pw", redisUrl: "redis://127.0.0.1:6379" },
        }),
    );
    expect(thrown).toBeInstanceOf(pulumi.ResourceError);
    expect((thrown as Error).message).toBe("database.admin.enabled needs the chatwoot:adminPassword secret");
    expect(registered.map((r) => r.name)).toEqual(["chatwoot"]);
  });
});
