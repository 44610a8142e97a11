/**
 * The scripts the Commands run (steps/), against the flyctl stand-in that records its calls: awkward
 * config and secret values pass through intact, no secret reaches argv, and failures say which step
 * and why without the secret.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { ENV } from "../../lib/stepContract";
import { processesWith } from "../../testing/local/processes";
import { FakeFly, resultOf } from "../support/steps";
import { waitFor } from "../support/waitFor";

jest.setTimeout(120_000);

const APP = "steps-test-app";
const base = { [ENV.app]: APP, [ENV.org]: "hotdash" };

describe("app step", () => {
  const fly = new FakeFly();
  afterAll(() => fly.cleanup());

  it("creates the app, then adopts it on the next run", async () => {
    const first = await fly.step("ensure-app", base);
    expect(first.code).toBe(0);
    expect(resultOf(first)).toEqual({ name: APP, org: "hotdash", adopted: false });
    const second = await fly.step("ensure-app", base);
    expect(resultOf(second)).toEqual({ name: APP, org: "hotdash", adopted: true });
    expect(fly.calls().filter((c) => c.command === "apps create")).toHaveLength(1);
  });

  it("refuses a name owned by another org with the fix", async () => {
    fly.seed({ ...fly.state(), foreignApps: ["taken-elsewhere"] });
    const run = await fly.step("ensure-app", { ...base, [ENV.app]: "taken-elsewhere" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Fly app name "taken-elsewhere" belongs to another organization');
    expect(run.stderr).toContain("chatwoot:app.name");
  });

  it("leaves the app on delete unless destroyOnDelete", async () => {
    const kept = await fly.step("destroy-app", { ...base, [ENV.destroyOnDelete]: "false" });
    expect(kept.stderr).toContain("left Fly app");
    expect(Object.keys(fly.state().apps)).toContain(APP);
    await fly.step("destroy-app", { ...base, [ENV.destroyOnDelete]: "true" });
    expect(Object.keys(fly.state().apps)).not.toContain(APP);
    // Deleted by hand before `pulumi destroy`: the destroy still succeeds, so the stack can go.
    const again = await fly.step("destroy-app", { ...base, [ENV.destroyOnDelete]: "true" });
    expect({ code: again.code, stderr: again.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining(`Fly app ${APP} was already gone`),
    });
  });
});

describe("secrets step", () => {
  const fly = new FakeFly();
  beforeAll(() => fly.step("ensure-app", base));
  afterAll(() => fly.cleanup());

  const AWKWARD = {
    POSTGRES_PASSWORD: `it's "quoted" $(id) \`id\` $HOME #hash  `,
    REDIS_URL: "redis://:p@ss w0rd@127.0.0.1:6379",
    SECRET_KEY_BASE: "a".repeat(64),
    MULTI: "line one\nline two\n",
    FRONTEND_URL: "https://chat.example.com/ünïcode/path",
  };

  it("stages every value intact over stdin, none in argv", async () => {
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) });
    expect(run.code).toBe(0);
    const secrets = fly.state().apps[APP].secrets;
    for (const [key, value] of Object.entries(AWKWARD)) {
      expect(secrets[key].value).toBe(value);
      expect(secrets[key].staged).toBe(true);
    }
    const argv = JSON.stringify(fly.calls().map((c) => c.argv));
    for (const value of Object.values(AWKWARD)) expect(argv).not.toContain(value);
    expect(argv).not.toContain("fm2_steps-test-token");
    expect(resultOf<{ keys: string[] }>(run).keys).toEqual(Object.keys(AWKWARD).sort());
    expect(run.stdout + run.stderr).not.toContain("p@ss w0rd");
  });

  it("unsets the keys that left the config on update, and only those", async () => {
    const previous = (await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) })).stdout;
    const rest = { ...AWKWARD } as Record<string, string>;
    delete rest.MULTI;
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(rest), PULUMI_COMMAND_STDOUT: previous });
    expect(run.code).toBe(0);
    expect(Object.keys(fly.state().apps[APP].secrets).sort()).toEqual(Object.keys(rest).sort());
    const unsets = fly.calls().filter((c) => c.command === "secrets unset");
    expect(unsets.at(-1)?.argv).toEqual(["secrets", "unset", "MULTI", "--app", APP, "--stage"]);
  });

  it("a failed secrets list fails the step, and the next run still unsets the key that left", async () => {
    const previous = (await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) })).stdout;
    const rest = { ...AWKWARD } as Record<string, string>;
    delete rest.MULTI;
    const env = { ...base, [ENV.secrets]: JSON.stringify(rest), PULUMI_COMMAND_STDOUT: previous };
    fly.faults([{ command: "secrets list", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", times: 1 }]);
    const failed = await fly.step("import-secrets", env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`\`flyctl secrets list --app ${APP} --json\` exited`);
    // The engine keeps the last good record after a failure, so the next run sees the key again.
    const retried = await fly.step("import-secrets", env);
    expect(retried.code).toBe(0);
    expect(Object.keys(fly.state().apps[APP].secrets).sort()).toEqual(Object.keys(rest).sort());
  });

  it("a failed import names the call and never prints the values", async () => {
    fly.faults([
      {
        command: "secrets import",
        mode: "fail",
        exitCode: 1,
        stderr: `Error: failed to set secrets: ${AWKWARD.POSTGRES_PASSWORD}`,
        times: 1,
      },
    ]);
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("`flyctl secrets import --app steps-test-app --stage` exited 1");
    expect(run.stderr).toContain("[redacted]");
    expect(run.stderr).not.toContain(AWKWARD.POSTGRES_PASSWORD.trim());
  });

  it("a hung flyctl is stopped at the step's limit and the step fails naming the call", async () => {
    fly.faults([{ command: "secrets import", mode: "hang", times: 1 }]);
    const started = Date.now();
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD), [ENV.flyctlTimeout]: "2" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "`flyctl secrets import --app steps-test-app --stage` did not finish within 2s and was stopped (chatwoot:flyctlTimeoutSeconds)",
    );
    // Stopped by SIGTERM (143), well before the hang would end by itself.
    expect(fly.calls().at(-1)).toMatchObject({ command: "secrets import", fault: "hang", exitCode: 143 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) })).code).toBe(0);
  });
});

describe("a step that is signalled", () => {
  const fly = new FakeFly();
  const base = { [ENV.app]: "steps-signal-app", [ENV.org]: "hotdash" };
  const flyctlProcesses = () => processesWith(/flyctl/, "FAKE_FLY_STATE_DIR", fly.dir);
  afterAll(() => fly.cleanup());

  it("stops its flyctl call (SIGTERM) before it exits, instead of leaving it running", async () => {
    await fly.step("ensure-app", base);
    fly.faults([{ command: "secrets import", mode: "hang", times: 1 }]);
    const step = await fly.startStep("import-secrets", { ...base, [ENV.secrets]: JSON.stringify({ A: "1" }) });
    // The call has begun once flyctl took its fault (faults.json is emptied as it starts).
    await waitFor("the hung secrets import", () => readFileSync(join(fly.dir, "faults.json"), "utf8").trim() === "[]", 30_000);
    expect(flyctlProcesses().some((p) => p.includes("secrets import"))).toBe(true);
    step.child.kill("SIGTERM");
    const run = await step.done;
    expect(run.code).toBe(143);
    expect(run.stderr).toContain("cancelled (SIGTERM): stopping 1 flyctl call(s)");
    expect(flyctlProcesses()).toEqual([]);
    expect(fly.calls().at(-1)).toMatchObject({ command: "secrets import", fault: "hang", exitCode: 143 });
  });
});

describe("migration step", () => {
  const fly = new FakeFly();
  const database = `steps_migrate_${process.pid}`;
  const admin = new Client({ host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" });
  const spec = (over: object = {}) =>
    JSON.stringify({
      image: "chatwoot/chatwoot:v4.14.0",
      command: ["bundle", "exec", "rails", "db:chatwoot_prepare"],
      memoryMb: 1024,
      timeoutSeconds: 60,
      statementTimeout: "600s",
      region: "iad",
      endpoint: "direct 127.0.0.1:5432",
      ...over,
    });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await fly.step("ensure-app", base);
    const secrets = { MIGRATION_DATABASE_URL: `postgres://postgres:any@127.0.0.1:5432/${database}?sslmode=disable` };
    await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(secrets) });
  });
  afterAll(async () => {
    await fly.cleanup();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it("runs the migration on the secret URL, reads exit code 0 and removes the machine", async () => {
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    expect(run.stderr).toContain("migration finished with exit code 0");
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ image: "chatwoot/chatwoot:v4.14.0", exitCode: 0 });
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
    const db = new Client({ host: "127.0.0.1", port: 5432, user: "postgres", database });
    await db.connect();
    const { rows } = await db.query("SELECT count(*)::int AS n FROM schema_migrations");
    await db.end();
    expect(rows[0].n).toBeGreaterThan(0);
    const runCall = fly.calls().find((c) => c.command === "machine run");
    expect(runCall?.argv).toEqual(
      expect.arrayContaining(["--restart", "no", "--vm-memory", "1024", "--env", "POSTGRES_STATEMENT_TIMEOUT=600s", "--"]),
    );
    expect(JSON.stringify(runCall?.argv)).not.toContain("postgres://");
  });

  it("reads exit code 0 of a migration that ended before flyctl saw it start (machine run exits 1 then)", async () => {
    fly.faults([{ command: "machine run", mode: "exit-code", exitCode: 0, times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    expect(run.stderr).toContain("migration finished with exit code 0");
    expect(run.code).toBe(0);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("keeps watching the migration when machine list fails right after machine run", async () => {
    // The leftovers check before the run lists; the next list, the first after the launch, fails.
    fly.faults([{ command: "machine list", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", skip: 1, times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["sleep", "3"] }) });
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining("migration finished with exit code 0"),
    });
    const id = resultOf<{ machine: string }>(run).machine;
    const calls = fly.calls();
    const after = calls.slice(calls.map((c) => c.command).lastIndexOf("machine run"));
    expect(after.map((c) => [c.command, c.exitCode])).toEqual([
      ["machine run", 0],
      ["machine wait", 0],
      ["machine list", 1],
      ["machine list", 0],
      ["machine destroy", 0],
    ]);
    expect(after[1].argv).toContain(id);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("fails on a non-zero exit code and still removes the machine", async () => {
    fly.faults([{ command: "machine run", mode: "exit-code", exitCode: 3, times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("migration exited with code 3; web and worker keep their current image");
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("fails on a timeout, stops and removes the machine", async () => {
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["sleep", "120"], timeoutSeconds: 30 }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("migration did not finish within 30s");
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("fails when the machine disappears", async () => {
    fly.faults([{ command: "machine run", mode: "lose-machine", times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["sleep", "20"] }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/migration machine [a-z0-9-]+ disappeared .*web and worker keep their current image/);
  });
});
