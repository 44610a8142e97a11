/**
 * The migration's extension preflight as ChatwootDatabase runs it during `pulumi up`: in-process under
 * Pulumi's mocks (so that a mutation run sees the component's code), against this machine's real
 * PostgreSQL. preflightEngine.test.ts runs the same check through the engine; this file pins what the
 * component does with each answer: pass and close its connection, step aside when unreachable, and
 * nothing at preview or with no extensions to check; it runs after the resources the component manages
 * in the database. The stop itself is tested on `checkExtensions`, as a stop inside the component is an
 * unhandled rejection under the mocks.
 */
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Client } from "pg";
import { ChatwootDatabase, checkExtensions } from "../../components/chatwootDatabase";
import type { Endpoint } from "../../lib/endpoints";
import { setEchoMocks } from "../support/programUnderMocks";
import { waitFor } from "../support/waitFor";

const SUPER = { host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" };
// A database of this file's own, so that its connections are told apart from other suites'.
const database = `cwfly_dbpre_${process.pid}_${randomBytes(3).toString("hex")}`;
const local: Endpoint = { kind: "direct", host: "127.0.0.1", port: 5432, user: "postgres", database, sslmode: "disable" };
// Port 1 (tcpmux) has no listener here: the connection is refused at once, as an IPv6-only host fails from an IPv4 runner.
const unreachable: Endpoint = { ...local, port: 1 };
const MISSING = "chatwoot_fly_no_such_extension";

async function asSuperuser<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client(SUPER);
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(() => asSuperuser(`CREATE DATABASE ${database}`));
afterAll(() => asSuperuser(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

interface Outcome {
  /** The component's secretEnv, when it resolved. */
  env?: Record<string, string>;
  warnings: string[];
  errors: string[];
}

/**
 * Builds the component in a stack under mocks (`preview` as the engine would say) and waits for its
 * secretEnv. A stop is an unhandled rejection (the language host reports it as the run's error), which
 * Jest takes as a failed test: preflightEngine.test.ts runs that case through the engine.
 */
async function runDatabase(preview: boolean, migration: Endpoint, extensions: string[]): Promise<Outcome> {
  const outcome: Outcome = { warnings: [], errors: [] };
  jest.spyOn(console, "warn").mockImplementation((line: string) => void outcome.warnings.push(line));
  jest.spyOn(console, "error").mockImplementation((line: string) => void outcome.errors.push(line));
  await setEchoMocks(() => undefined, {}, preview);
  await pulumi.runtime.runInPulumiStack(async () => {
    const db = new ChatwootDatabase("chatwoot-db", {
      endpoints: { app: local, migration },
      password: "app-password",
      preflight: { extensions, provider: "postgres" },
    });
    db.secretEnv.apply((env) => (outcome.env = env));
    return {};
  });
  await waitFor("the secretEnv", () => outcome.env, 15_000);
  return outcome;
}

const preflightSessions = () =>
  asSuperuser<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'chatwoot-fly-preflight'",
    [database],
  );

jest.setTimeout(30_000);
afterEach(() => jest.restoreAllMocks());

describe("ChatwootDatabase's preflight during pulumi up", () => {
  it("passes when the role may use every extension, hands the secrets on and leaves no connection open", async () => {
    const outcome = await runDatabase(false, local, ["pg_trgm", "plpgsql"]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.env).toMatchObject({
      MIGRATION_DATABASE_URL: `postgres://postgres:app-password@127.0.0.1:5432/${database}?sslmode=disable`,
    });
    await waitFor("the preflight's connection to close", async () => (await preflightSessions())[0].n === 0, 5_000);
  });

  it("steps aside with a warning naming the endpoint when it cannot reach it, and hands the secrets on", async () => {
    const outcome = await runDatabase(false, unreachable, [MISSING]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.env).toBeDefined();
    expect(outcome.warnings).toEqual([
      expect.stringMatching(
        /^warning: \[runtime\] migration preflight skipped: could not check extensions on direct 127\.0\.0\.1:1 from here \(.*ECONNREFUSED.*\); the migration machine will find out$/,
      ),
    ]);
  });

  it.each([
    ["at preview, which must not touch the database", true, [MISSING]],
    ["with no extensions to check (chatwoot:migration.extensions [])", false, []],
  ])("does not connect %s", async (_when, preview, extensions) => {
    // Unreachable: a connection attempt would show as a warning.
    const outcome = await runDatabase(preview, unreachable, extensions);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.env).toBeDefined();
  });

  it("stops, naming each extension the role can neither use nor create, and says so in the log", async () => {
    const errors: string[] = [];
    jest.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    await setEchoMocks(() => undefined, {}, false);
    let checked: Promise<void> | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      const probe = new pulumi.ComponentResource("test:index:Probe", "probe");
      checked = checkExtensions(probe, local, "app-password", { extensions: ["pg_trgm", MISSING], provider: "postgres" });
      await checked.catch(() => undefined);
      return {};
    });
    const stop = new RegExp(
      `^the migration would fail on its extensions, so no secret was staged and no machine started:\\n  - [^\\n]*${MISSING}[^\\n]*$`,
    );
    await expect(checked).rejects.toThrow(stop);
    await expect(checked).rejects.toBeInstanceOf(pulumi.RunError);
    expect(errors).toEqual([expect.stringMatching(/the migration would fail on its extensions/)]);
    expect(errors.join("")).not.toContain("pg_trgm");
  });

  it("waits for the role, grants and extensions it manages before it checks and hands the secrets on", async () => {
    const events: string[] = [];
    jest.spyOn(console, "warn").mockImplementation(() => void events.push("preflight"));
    // The managed resources take a while to register; everything else answers at once.
    const registered = new Promise<void>((resolve) => setTimeout(resolve, 500));
    void registered.then(() => events.push("managed"));
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          if (args.type.startsWith("postgresql:index/") && args.type !== "pulumi:providers:postgresql") await registered;
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "chatwoot-fly",
      "staging",
      false,
    );
    let env: Record<string, string> | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      const db = new ChatwootDatabase("chatwoot-db", {
        endpoints: { app: local, migration: unreachable, direct: local },
        password: "app-password",
        admin: { user: "postgres", password: "admin-password", appRole: "chatwoot_app", connectionLimit: 17 },
        preflight: { extensions: [MISSING], provider: "postgres" },
      });
      db.secretEnv.apply((value) => (env = value));
      return {};
    });
    await waitFor("the secretEnv", () => env, 15_000);
    // The unreachable endpoint makes the preflight warn: when it warned is when it ran.
    expect(events).toEqual(["managed", "preflight"]);
  });
});
