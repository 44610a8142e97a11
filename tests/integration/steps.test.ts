/**
 * The scripts the Commands run (steps/), against real flyctl and the fake Fly API, which records the
 * calls: awkward config and secret values pass through intact, no secret reaches argv, and failures say
 * which step and why without the secret. Steps run in this process, each test with the state it needs
 * (mutation testing runs a test alone, and step code run in a beforeAll belongs to no test); set-up
 * outside a test goes through flyctl directly.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { APP_MISSING, ENV, type SecretsRecord } from "../../lib/stepContract";
import { migrationOverflow } from "../../lib/budget";
import { launchedMachineId } from "../../lib/machineOutput";
import { secretsRevision } from "../../lib/secretsImport";
import { planOf, stagingWith } from "../support/configs";
import { processesWith } from "../../testing/local/processes";
import { FakeFly, resultOf } from "../support/steps";
import { waitFor } from "../support/waitFor";

jest.setTimeout(120_000);

const APP = "steps-test-app";
const base = { [ENV.app]: APP, [ENV.org]: "hotdash" };

/** Creates an app for a test without the app step (set-up that runs outside the step under test). */
const createApp = (fly: FakeFly, app: string) => fly.flyOk(["apps", "create", app, "--org", "hotdash", "--json"]);
/** What a step of an unknown name prints. */
const unknownStep = (name: string) =>
  `error: unknown step "${name}"; expected one of ensure-app, destroy-app, import-secrets, migrate, keep-result, deploy, scale, scale-down, read-counts, read-secrets, read-app, read-release\n`;

describe("app step", () => {
  const fly = new FakeFly();
  afterAll(() => fly.cleanup());

  it("creates the app, then adopts it on the next run", async () => {
    const env = { ...base, [ENV.app]: "steps-app-create" };
    const first = await fly.step("ensure-app", env);
    expect(first.code).toBe(0);
    expect(resultOf(first)).toEqual({ name: "steps-app-create", org: "hotdash", adopted: false });
    expect(first.stderr).toContain("created Fly app steps-app-create in org hotdash");
    const second = await fly.step("ensure-app", env);
    expect(resultOf(second)).toEqual({ name: "steps-app-create", org: "hotdash", adopted: true });
    expect(second.stderr).toContain("Fly app steps-app-create already exists in org hotdash: adopted");
    expect(fly.calls().filter((c) => c.command === "apps create")).toHaveLength(1);
  });

  it("adopts an app only from the configured org", async () => {
    await fly.flyOk(["apps", "create", "steps-app-personal", "--org", "personal", "--json"]);
    const run = await fly.step("ensure-app", { ...base, [ENV.app]: "steps-app-personal" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Fly app name "steps-app-personal" belongs to another organization (it is not in "hotdash")');
  });

  it("refuses a name owned by another org with the fix", async () => {
    fly.seed({ ...fly.state(), foreignApps: ["taken-elsewhere"] });
    const run = await fly.step("ensure-app", { ...base, [ENV.app]: "taken-elsewhere" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Fly app name "taken-elsewhere" belongs to another organization (it is not in "hotdash")');
    expect(run.stderr).toContain("chatwoot:app.name");
  });

  it("a failed create names the call and its exit code", async () => {
    fly.faults([{ command: "apps create", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", times: 1 }]);
    const run = await fly.step("ensure-app", { ...base, [ENV.app]: "steps-app-unavailable" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: `flyctl apps create steps-app-unavailable --org hotdash --json` exited 1");
    expect(run.stdout).toBe("");
  });

  it("leaves the app on delete unless destroyOnDelete", async () => {
    const env = { ...base, [ENV.app]: "steps-app-destroy" };
    await createApp(fly, "steps-app-destroy");
    const kept = await fly.step("destroy-app", { ...env, [ENV.destroyOnDelete]: "false" });
    expect(kept.stderr).toContain("left Fly app steps-app-destroy in place");
    expect(Object.keys(fly.state().apps)).toContain("steps-app-destroy");
    const destroyed = await fly.step("destroy-app", { ...env, [ENV.destroyOnDelete]: "true" });
    expect(destroyed.stderr).toContain("destroyed Fly app steps-app-destroy");
    expect(Object.keys(fly.state().apps)).not.toContain("steps-app-destroy");
    // Deleted by hand before `pulumi destroy`: the destroy still succeeds, so the stack can go.
    const again = await fly.step("destroy-app", { ...env, [ENV.destroyOnDelete]: "true" });
    expect({ code: again.code, stderr: again.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining("Fly app steps-app-destroy was already gone"),
    });
  });

  it("read-app finds the app in its org only, and changes nothing", async () => {
    await createApp(fly, "steps-app-read");
    const before = fly.calls().length;
    const found = await fly.step("read-app", { ...base, [ENV.app]: "steps-app-read" });
    expect(found.code).toBe(0);
    expect(resultOf(found)).toEqual({ name: "steps-app-read", org: "hotdash" });
    expect(resultOf(await fly.step("read-app", { ...base, [ENV.app]: "steps-app-never" }))).toEqual(APP_MISSING);
    expect(resultOf(await fly.step("read-app", { ...base, [ENV.app]: "steps-app-read", [ENV.org]: "personal" }))).toEqual(APP_MISSING);
    expect(
      fly
        .calls()
        .slice(before)
        .map((c) => c.command),
    ).toEqual(["apps list", "apps list", "apps list"]);
  });

  it("the other reads say the app is missing when it was deleted, and fail on any other error", async () => {
    const gone = { ...base, [ENV.app]: "steps-app-deleted", [ENV.counts]: '{"web":1}', [ENV.managedSecrets]: '["A"]' };
    for (const step of ["read-counts", "read-secrets", "read-release"]) {
      const read = await fly.step(step, gone);
      expect({ step, code: read.code, result: resultOf(read) }).toEqual({ step, code: 0, result: APP_MISSING });
    }
    await createApp(fly, "steps-app-unreadable");
    fly.faults([{ command: "machine list", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", times: 1 }]);
    const failed = await fly.step("read-release", { ...gone, [ENV.app]: "steps-app-unreadable" });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      "error: `flyctl machine list --app steps-app-unreadable --json` exited 1: Error: failed to list VMs: 503 Service Unavailable\n",
    );
  });

  it("a failed destroy fails the step", async () => {
    await createApp(fly, "steps-app-undestroyed");
    fly.faults([{ command: "apps destroy", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", times: 1 }]);
    const run = await fly.step("destroy-app", { ...base, [ENV.app]: "steps-app-undestroyed", [ENV.destroyOnDelete]: "true" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("`flyctl apps destroy steps-app-undestroyed --yes` exited 1");
    expect(Object.keys(fly.state().apps)).toContain("steps-app-undestroyed");
  });
});

describe("what every step shares: its inputs, its flyctl calls, its result", () => {
  const fly = new FakeFly();
  afterAll(() => fly.cleanup());
  const failing = async (env: Record<string, string>, step = "ensure-app") => {
    const run = await fly.step(step, env);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: "" });
    return run.stderr;
  };

  it("names a missing or empty input, and the component that sets it", async () => {
    for (const org of [undefined, ""]) {
      const env: Record<string, string> = { [ENV.app]: APP, ...(org === undefined ? {} : { [ENV.org]: org }) };
      expect(await failing(env)).toBe("error: environment variable CHATWOOT_FLY_ORG is not set (the component sets it)\n");
    }
  });

  it("names an input that is not JSON, without its value", async () => {
    const stderr = await failing({ ...base, [ENV.secrets]: '{"A": "sekrit-value"' }, "import-secrets");
    expect(stderr).toBe("error: environment variable CHATWOOT_SECRETS is not valid JSON\n");
  });

  it("refuses a flyctl time limit that is not a positive whole number of seconds", async () => {
    for (const limit of ["0", "-5", "1.5", "soon"]) {
      expect(await failing({ ...base, [ENV.flyctlTimeout]: limit })).toBe(
        "error: environment variable CHATWOOT_FLYCTL_TIMEOUT_SECONDS must be a positive number of seconds\n",
      );
    }
  });

  it("says how to fix a flyctl that is not there", async () => {
    expect(await failing({ ...base, [ENV.flyctl]: "/nonexistent/flyctl" })).toBe(
      'error: flyctl executable "/nonexistent/flyctl" not found: install flyctl or set chatwoot:flyctl\n',
    );
  });

  // Programs that are not flyctl show how the runner reads any output: these are not Fly doubles.
  it("names a call that printed no JSON, and one that failed without output", async () => {
    expect(await failing({ ...base, [ENV.flyctl]: "/bin/echo" })).toBe(
      "error: `flyctl apps list --org hotdash --json` did not print JSON: apps list --org hotdash --json\n\n",
    );
    expect(await failing({ ...base, [ENV.flyctl]: "/bin/false" })).toBe(
      "error: `flyctl apps list --org hotdash --json` exited 1: (no output)\n",
    );
  });

  it("never prints the Fly token, even when flyctl does", async () => {
    const stderr = await failing({ ...base, [ENV.flyctl]: "/bin/echo", [ENV.org]: fly.token });
    expect(stderr).toBe("error: `flyctl apps list --org [redacted] --json` did not print JSON: apps list --org [redacted] --json\n\n");
    expect(stderr).not.toContain("fm2_steps-test-token");
  });

  it("reports a failure that is not a step's own as unexpected, with its stack", async () => {
    // JSON that is not an object of secrets: a bug in the component, not a Fly failure.
    const stderr = await failing({ ...base, [ENV.secrets]: "null" }, "import-secrets");
    expect(stderr).toMatch(/^error: unexpected failure: TypeError: Cannot convert undefined or null to object\n\s+at /);
  });

  it("keeps the previous result on an update whose triggers did not change", async () => {
    const kept = await fly.step("keep-result", { ...base, PULUMI_COMMAND_STDOUT: '{"image":"chatwoot/chatwoot:v4.14.0"}' });
    expect(kept).toMatchObject({ code: 0, stdout: '{"image":"chatwoot/chatwoot:v4.14.0"}' });
    expect((await fly.step("keep-result", base)).stdout).toBe("{}");
    expect(fly.calls()).toEqual([]);
  });

  it("an unknown step fails naming the steps there are, and calls nothing", async () => {
    expect(await failing(base, "scale-up")).toBe(unknownStep("scale-up"));
    // Names every object has are not steps either.
    expect(await failing(base, "constructor")).toBe(unknownStep("constructor"));
  });
});

describe("secrets step", () => {
  const fly = new FakeFly();
  beforeAll(() => createApp(fly, APP));
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
    const record = resultOf<SecretsRecord>(run);
    expect(record.keys).toEqual(Object.keys(AWKWARD).sort());
    expect(record.revision).toBe(secretsRevision(AWKWARD));
    // Fly's own digests, as `fly secrets list` gives them.
    expect(record.digests).toEqual(Object.fromEntries(Object.entries(secrets).map(([key, s]) => [key, s.digest])));
    expect(run.stdout + run.stderr).not.toContain("p@ss w0rd");
  });

  it("applies the values at once, unstaged, when asked to (values set back after a change by hand)", async () => {
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify({ A: "1" }), [ENV.secretsApplyNow]: "1" });
    expect(run.code).toBe(0);
    expect(fly.calls().at(-2)?.argv).toEqual(["secrets", "import", "--app", APP]);
    expect(run.stderr).toBe(`applied 1 secrets on ${APP}: A\n`);
    await fly.flyOk(["secrets", "unset", "A", "--app", APP, "--stage"]);
  });

  it("read-secrets gives Fly's digest of each managed secret it has, and changes nothing", async () => {
    await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify({ A: "1", B: "2", C: "3" }) });
    const before = fly.calls().length;
    const read = await fly.step("read-secrets", { ...base, [ENV.managedSecrets]: JSON.stringify(["A", "C", "GONE"]) });
    expect(read.code).toBe(0);
    const secrets = fly.state().apps[APP].secrets;
    expect(resultOf(read)).toEqual({ digests: { A: secrets.A.digest, C: secrets.C.digest } });
    expect(
      fly
        .calls()
        .slice(before)
        .map((c) => c.argv),
    ).toEqual([["secrets", "list", "--app", APP, "--json"]]);
    const none = await fly.step("read-secrets", base);
    expect(resultOf(none)).toEqual({ digests: {} });
    await fly.flyOk(["secrets", "unset", "A", "B", "C", "--app", APP, "--stage"]);
  });

  it("unsets the keys that left the config on update, and only those", async () => {
    await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) });
    const rest = { ...AWKWARD } as Record<string, string>;
    delete rest.MULTI;
    delete rest.FRONTEND_URL;
    const managed = JSON.stringify([...Object.keys(AWKWARD), "NEVER_ON_FLY"]);
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(rest), [ENV.managedSecrets]: managed });
    expect(run.code).toBe(0);
    expect(Object.keys(fly.state().apps[APP].secrets).sort()).toEqual(Object.keys(rest).sort());
    const unsets = fly.calls().filter((c) => c.command === "secrets unset");
    expect(unsets.at(-1)?.argv).toEqual(["secrets", "unset", "FRONTEND_URL", "MULTI", "--app", APP, "--stage"]);
    expect(run.stderr).toBe(
      `staged 3 secrets on ${APP}: POSTGRES_PASSWORD, REDIS_URL, SECRET_KEY_BASE\nunset secrets that left the config: FRONTEND_URL, MULTI\n`,
    );
  });

  it("a failed secrets list fails the step, and the next run still unsets the key that left", async () => {
    await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify(AWKWARD) });
    const rest = { ...AWKWARD } as Record<string, string>;
    delete rest.MULTI;
    const env = { ...base, [ENV.secrets]: JSON.stringify(rest), [ENV.managedSecrets]: JSON.stringify(Object.keys(AWKWARD)) };
    fly.faults([{ command: "secrets list", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", times: 1 }]);
    const failed = await fly.step("import-secrets", env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`\`flyctl secrets list --app ${APP} --json\` exited`);
    // The engine keeps the last good record after a failure, so the next run sees the key again.
    const retried = await fly.step("import-secrets", env);
    expect(retried.code).toBe(0);
    expect(Object.keys(fly.state().apps[APP].secrets).sort()).toEqual(Object.keys(rest).sort());
  });

  it("refuses a secret flyctl cannot carry, or a list of managed secrets that is not JSON, before any call", async () => {
    const before = fly.calls().length;
    const run = await fly.step("import-secrets", { ...base, [ENV.secrets]: JSON.stringify({ "BAD-NAME": "v" }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('secret name "BAD-NAME" is not a valid env var name');
    const managed = await fly.step("read-secrets", { ...base, [ENV.managedSecrets]: "not json" });
    expect(managed.stderr).toBe(`error: environment variable ${ENV.managedSecrets} is not valid JSON\n`);
    expect(fly.calls()).toHaveLength(before);
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

describe("a step run as a Command runs it: a child process of steps/main.ts", () => {
  const fly = new FakeFly();
  const base = { [ENV.app]: "steps-signal-app", [ENV.org]: "hotdash" };
  const flyctlProcesses = () => processesWith(/flyctl/, "FAKE_FLY_STATE_DIR", fly.dir);
  afterAll(() => fly.cleanup());

  it("prints its result on stdout and exits 0; an unknown step exits 1 naming the steps there are", async () => {
    const run = await (await fly.startStep("ensure-app", base)).done;
    expect({ code: run.code, result: resultOf(run) }).toEqual({
      code: 0,
      result: { name: "steps-signal-app", org: "hotdash", adopted: false },
    });
    const unknown = await (await fly.startStep("ensure-ap", base)).done;
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(unknownStep("ensure-ap"));
  });

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

/** Starts a machine of `image` in `app` by hand, in process group `group` (as a deploy makes them) or none; returns its ID. */
async function runGroupMachine(fly: FakeFly, app: string, image: string, group?: string): Promise<string> {
  const metadata = group === undefined ? [] : ["--metadata", `fly_process_group=${group}`];
  const run = await fly.flyOk(["machine", "run", image, "--app", app, "--region", "iad", ...metadata, "--", "sleep", "600"]);
  return launchedMachineId(run.stdout) ?? "";
}

/** A budget with web 1 and worker 1 on the session pool and the migration on it too (lib/budget.ts). */
const BUDGET = planOf(
  stagingWith({ database: { migrations: "session" }, rails: { railsMaxThreads: 2, sidekiqConcurrency: 6 } }),
).budgetInput;

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
      budget: BUDGET,
      ...over,
    });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await createApp(fly, APP);
    const url = `postgres://postgres:any@127.0.0.1:5432/${database}?sslmode=disable`;
    await fly.flyOk(["secrets", "import", "--app", APP, "--stage"], `MIGRATION_DATABASE_URL="${url}"\n`);
  });
  afterAll(async () => {
    await fly.cleanup();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  /** Starts a machine of the app that runs for 10 minutes (`extra`: more flags), and returns its ID. */
  const longMachine = async (extra: string[] = []) => {
    const args = ["machine", "run", "chatwoot/chatwoot:v4.14.0", "--app", APP, "--region", "iad", "--restart", "no"];
    const run = await fly.flyOk([...args, ...extra, "--", "sleep", "600"]);
    return launchedMachineId(run.stdout) ?? "";
  };
  const destroyMachine = (id: string) => fly.flyOk(["machine", "destroy", id, "--app", APP, "--force"]);
  /** The flyctl calls from the last `machine run` on: what the step did once it launched the migration. */
  const callsSinceMachineRun = () => {
    const calls = fly.calls();
    return calls.slice(calls.map((c) => c.command).lastIndexOf("machine run"));
  };

  /** A flyctl that is a shell script around the real one, `$flyctl`: it stands for another version's output. */
  const flyctlWrapper = (name: string, script: string) => {
    const wrapper = join(fly.dir, name);
    writeFileSync(wrapper, `#!/bin/sh\nflyctl=${JSON.stringify(fly.double.flyctl)}\n${script}\n`, { mode: 0o755 });
    return wrapper;
  };
  /** Shell that runs `script` only for the flyctl `command` (its first two arguments, as `machine run`). */
  const ifCommand = (command: string, script: string) => `if [ "$1 $2" = "${command}" ]; then ${script}; fi`;
  /** A flyctl whose `machine list --json` gives each machine as `rewrite` (JavaScript, of `m`) leaves it. */
  const machinesRewritten = (name: string, rewrite: string) => {
    const script = `let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => console.log(JSON.stringify(JSON.parse(s).map((m) => { ${rewrite}; return m; }))))`;
    return flyctlWrapper(
      name,
      `${ifCommand("machine list", `"$flyctl" "$@" | ${JSON.stringify(process.execPath)} -e '${script}'; exit`)}\nexec "$flyctl" "$@"`,
    );
  };

  it("runs the migration on the secret URL, reads exit code 0 and removes the machine", async () => {
    const started = Date.now();
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    const elapsed = Math.ceil((Date.now() - started) / 1000);
    expect(run.stderr).toMatch(
      /^running bundle exec rails db:chatwoot_prepare in chatwoot\/chatwoot:v4.14.0 on the direct 127.0.0.1:5432 endpoint \(machine migrate-[a-z0-9]+\)\n/,
    );
    expect(run.code).toBe(0);
    const record = resultOf<{ seconds: number }>(run);
    expect(record).toMatchObject({ image: "chatwoot/chatwoot:v4.14.0", exitCode: 0 });
    expect(record.seconds).toBeGreaterThanOrEqual(0);
    expect(record.seconds).toBeLessThanOrEqual(elapsed);
    expect(run.stderr).toContain(`\nmigration finished with exit code 0 in ${record.seconds}s\n`);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
    const db = new Client({ host: "127.0.0.1", port: 5432, user: "postgres", database });
    await db.connect();
    const { rows } = await db.query("SELECT count(*)::int AS n FROM schema_migrations");
    await db.end();
    expect(rows[0].n).toBeGreaterThan(0);
    const runCall = fly.calls().find((c) => c.command === "machine run");
    const argv = runCall?.argv ?? [];
    const flags = ["--restart", "--vm-memory", "--env", "--metadata"];
    expect(flags.map((flag) => argv[argv.indexOf(flag) + 1])).toEqual([
      "no",
      "1024",
      "POSTGRES_STATEMENT_TIMEOUT=600s",
      "chatwoot_role=migration",
    ]);
    // What the machine runs: the shell that hands the secret URL to Rails, named `migrate` ($0), then the command.
    expect(argv.slice(argv.indexOf("--"))).toEqual([
      "--",
      "/bin/sh",
      "-c",
      'export DATABASE_URL="$MIGRATION_DATABASE_URL"; exec "$@"',
      "migrate",
      "bundle",
      "exec",
      "rails",
      "db:chatwoot_prepare",
    ]);
    expect(JSON.stringify(argv)).not.toContain("postgres://");
  });

  it("does not start beside more machines than the budget counted, when they would overflow the migration's pool", async () => {
    const workers: string[] = [];
    for (let i = 0; i < 3; i++) workers.push(await runGroupMachine(fly, APP, "busybox:1", "worker"));
    try {
      const before = fly.calls().length;
      const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: ${migrationOverflow(BUDGET, { web: 0, worker: 3 })}\n`);
      expect(run.stderr).toContain("worker runs 3 machines where the budget counted 1");
      expect(
        fly
          .calls()
          .slice(before)
          .map((c) => c.command),
      ).toEqual(["machine list"]);
    } finally {
      for (const id of workers) await fly.flyOk(["machine", "destroy", id, "--app", APP, "--force"]);
    }
  });

  it("reads exit code 0 of a migration that ended before flyctl saw it start (machine run exits 1 then)", async () => {
    // Listed before the migration machine, and still running: only the migration's own exit counts.
    const other = await longMachine();
    fly.faults([{ command: "machine run", mode: "exit-code", exitCode: 0, times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    await destroyMachine(other);
    expect(run.stderr).toMatch(
      /^running bundle exec rails db:chatwoot_prepare in chatwoot\/chatwoot:v4.14.0 on the direct 127.0.0.1:5432 endpoint \(machine migrate-[a-z0-9]+\)\n/,
    );
    expect(run.stderr).toMatch(/\nmigration finished with exit code 0 in \d+s\n/);
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
    const after = callsSinceMachineRun();
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

  it("removes the migration machine an interrupted run left before it starts, and no other machine", async () => {
    const left = await longMachine(["--metadata", "chatwoot_role=migration"]);
    const other = await longMachine();
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["true"] }) });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`migration machine ${left} (started) was left by an interrupted run`);
    expect(run.stderr).toContain(`removed migration machine ${left}`);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([other]);
    await destroyMachine(other);
  });

  it("names a leftover machine whose state the API left out (fly-go's `state` is omitempty)", async () => {
    const left = await longMachine(["--metadata", "chatwoot_role=migration"]);
    const stateless = machinesRewritten("flyctl-without-state", "delete m.state");
    const run = await fly.step("migrate", { ...base, [ENV.flyctl]: stateless, [ENV.migration]: spec({ command: ["sleep", "2"] }) });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`migration machine ${left} (unknown state) was left by an interrupted run`);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("gives up on the machine list after 3 tries, saying each, and still removes the machine", async () => {
    // The leftovers check lists first; the three lists after the launch fail.
    fly.faults([{ command: "machine list", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", skip: 1, times: 3 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["sleep", "2"] }) });
    expect(run.code).toBe(1);
    // flyctl's own text around the API's answer.
    const listFailed = `\`flyctl machine list --app ${APP} --json\` exited 1: Error: [^\\n]*503 Service Unavailable`;
    expect(run.stderr).toMatch(new RegExp(`${listFailed}; trying again \\(1 of 3\\)\\n.*${listFailed}; trying again \\(2 of 3\\)\\n`));
    expect(run.stderr).not.toContain("(3 of 3)");
    expect(run.stderr).toMatch(new RegExp(`\\nerror: ${listFailed}\\n$`));
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("a migration machine that cannot be removed does not fail a good migration, and says how to remove it", async () => {
    // A 4xx answer: flyctl retries a 5xx for a minute before it gives up.
    fly.faults([{ command: "machine destroy", mode: "fail", status: 422, message: "machine is busy", times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["true"] }) });
    expect(run.code).toBe(0);
    const id = resultOf<{ machine: string }>(run).machine;
    expect(run.stderr).toContain(
      `could not remove migration machine ${id}; remove it by hand (fly machine destroy ${id} --force): \`flyctl machine destroy ${id}\` exited 1: Error: `,
    );
    expect(run.stderr).toContain("machine is busy");
    await destroyMachine(id);
  });

  it("takes a machine that is already gone when it removes it as removed", async () => {
    // Someone destroys the machine just before the step does: flyctl's own answer for a missing machine.
    const gone = flyctlWrapper(
      "flyctl-destroyed-before",
      `${ifCommand("machine destroy", '"$flyctl" "$@" >/dev/null 2>&1')}\nexec "$flyctl" "$@"`,
    );
    const run = await fly.step("migrate", { ...base, [ENV.flyctl]: gone, [ENV.migration]: spec({ command: ["true"] }) });
    expect(run.code).toBe(0);
    const id = resultOf<{ machine: string }>(run).machine;
    expect(run.stderr).toContain(`\nmigration machine ${id} was already gone\n`);
    expect(run.stderr).not.toContain("could not remove");
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("gives the machine wait the migration's time limit and a minute, not flyctl's", async () => {
    const run = await fly.step("migrate", {
      ...base,
      [ENV.flyctlTimeout]: "4",
      [ENV.migration]: spec({ command: ["sleep", "7"], timeoutSeconds: 30 }),
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining("migration finished with exit code 0"),
    });
  });

  /** The machine the last migration removed (a failed migration prints no result). */
  const removedMachine = () =>
    fly
      .calls()
      .filter((c) => c.command === "machine destroy")
      .at(-1)?.argv[2];

  it("fails on a non-zero exit code and still removes the machine", async () => {
    fly.faults([{ command: "machine run", mode: "exit-code", exitCode: 3, times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    expect(run.code).toBe(1);
    const id = removedMachine();
    expect(run.stderr).toContain(
      `migration exited with code 3; web and worker keep their current image. Logs: fly logs --app ${APP} --machine ${id}`,
    );
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("names out of memory as the cause of a migration the kernel killed, and the setting to raise", async () => {
    fly.faults([{ command: "machine run", mode: "exit-code", oomKilled: true, times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    expect(run.code).toBe(1);
    const id = removedMachine();
    expect(run.stderr).toContain(
      `error: migration exited with code 137 (out of memory: raise chatwoot:migration.memoryMb); web and worker keep their current image. Logs: fly logs --app ${APP} --machine ${id}\n`,
    );
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  /** A flyctl whose `machine run` output has no " Machine ID: " line (another version's wording). */
  const withoutId = (after = "") =>
    flyctlWrapper(
      "flyctl-without-id",
      `out=$("$flyctl" "$@"); code=$?\nprintf '%s\\n' "$out" | grep -v 'Machine ID:'\n${after}\nexit $code`,
    );

  it("finds the machine by its name when flyctl's output lacks the machine ID, and still reads its exit code", async () => {
    // Listed before the migration machine, still running: watching it would run into the time limit.
    const other = await longMachine();
    try {
      const run = await fly.step("migrate", {
        ...base,
        [ENV.flyctl]: withoutId(),
        [ENV.migration]: spec({ command: ["sleep", "2"], timeoutSeconds: 10 }),
      });
      expect(run.code).toBe(0);
      const after = callsSinceMachineRun();
      expect(after.map((c) => c.command)).toEqual(["machine run", "machine list", "machine wait", "machine list", "machine destroy"]);
      expect(after[2].argv).toContain(resultOf<{ machine: string }>(run).machine);
      expect(Object.keys(fly.state().apps[APP].machines)).toEqual([other]);
    } finally {
      await destroyMachine(other);
    }
  });

  it("says the machine disappeared when machine run succeeded but neither its output nor the list has it", async () => {
    fly.faults([{ command: "machine run", mode: "lose-machine", afterMs: 200, times: 1 }]);
    // Gone by the time the step lists the machines.
    const run = await fly.step("migrate", {
      ...base,
      [ENV.flyctl]: withoutId(ifCommand("machine run", "sleep 1")),
      [ENV.migration]: spec({ command: ["sleep", "20"] }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /\nerror: migration machine migrate-[a-z0-9]+ disappeared right after it started; web and worker keep their current image\. Run pulumi up again\n$/,
    );
  });

  it("fails with machine run's own error when it exits non-zero while the migration still runs", async () => {
    // flyctl gives up waiting for the machine to start (its time limit), the machine starts all the same.
    const failing = flyctlWrapper(
      "flyctl-start-timeout",
      `"$flyctl" "$@"; code=$?\n${ifCommand("machine run", "echo 'Error: timeout reached waiting for machine to start' >&2; exit 1")}\nexit $code`,
    );
    const run = await fly.step("migrate", { ...base, [ENV.flyctl]: failing, [ENV.migration]: spec({ command: ["sleep", "600"] }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /\nerror: `flyctl machine run chatwoot\/chatwoot:v4\.14\.0 [^`]*` exited 1: [\s\S]*\nError: timeout reached waiting for machine to start\n$/,
    );
    expect(callsSinceMachineRun().map((c) => c.command)).toEqual(["machine run", "machine list", "machine destroy"]);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("a machine run refused before any machine exists names the call and leaves nothing to remove", async () => {
    fly.faults([
      { command: "machine run", mode: "fail", status: 422, message: "insufficient memory available to fulfill request", times: 1 },
    ]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /\nerror: `flyctl machine run chatwoot\/chatwoot:v4\.14\.0 --app steps-test-app --name migrate-[a-z0-9]+ [^`]*` exited 1: [\s\S]*\nError: could not launch machine: failed to launch VM: insufficient memory available to fulfill request\n$/,
    );
    expect(callsSinceMachineRun().map((c) => c.command)).toEqual(["machine run", "machine list"]);
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("fails on a timeout, stops and removes the machine", async () => {
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["sleep", "120"], timeoutSeconds: 5 }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("migration did not finish within 5s (chatwoot:migration.timeoutSeconds)");
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("fails on a stopped migration machine whose events hold no exit, and removes it", async () => {
    // Fly keeps a machine's latest events only: the exit can be gone from the list.
    const noExit = machinesRewritten("flyctl-without-exit", 'm.events = (m.events ?? []).filter((e) => e.type !== "exit")');
    const run = await fly.step("migrate", { ...base, [ENV.flyctl]: noExit, [ENV.migration]: spec({ command: ["sleep", "2"] }) });
    expect(run.code).toBe(1);
    const id = removedMachine();
    expect(run.stderr).toMatch(new RegExp(`\\nremoved migration machine ${id}\\n`));
    expect(run.stderr).toMatch(
      new RegExp(`\\nerror: migration machine ${id} stopped without an exit event; web and worker keep their current image\\n$`),
    );
    expect(Object.keys(fly.state().apps[APP].machines)).toEqual([]);
  });

  it("fails when the machine disappears", async () => {
    fly.faults([{ command: "machine run", mode: "lose-machine", times: 1 }]);
    const run = await fly.step("migrate", { ...base, [ENV.migration]: spec({ command: ["sleep", "20"], timeoutSeconds: 5 }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/migration machine [a-z0-9-]+ disappeared .*web and worker keep their current image/);
  });
});

describe("rollout and counts steps", () => {
  const fly = new FakeFly();
  const IMAGE = "chatwoot/chatwoot:v4.14.0";
  const IMAGE_OTHER = "chatwoot/chatwoot:v4.14.1";
  let app = "";
  let n = 0;
  const env = () => ({ ...base, [ENV.app]: app });
  const machines = () => Object.values(fly.state().apps[app]?.machines ?? {});
  const groups = () =>
    machines()
      .map((m) => m.processGroup ?? "none")
      .sort();
  /** This test's calls: the apps of earlier tests share the call log. */
  const calls = () => fly.calls().filter((c) => c.argv.includes(app));
  /** This test's deploy call as one line, and the fly.toml it was given. */
  const deployCall = () => {
    const argv = calls().find((c) => c.command === "deploy")?.argv ?? [];
    return { line: argv.join(" "), config: argv[argv.indexOf("--config") + 1] ?? "" };
  };
  const mutating = () => calls().filter((c) => /^(deploy|scale count|machine (stop|destroy|run))$/.test(c.command ?? ""));
  const deploy = (over: Record<string, string> = {}) =>
    fly.step("deploy", {
      ...env(),
      [ENV.image]: IMAGE,
      [ENV.strategy]: "rolling",
      [ENV.flyToml]: planOf(stagingWith({ app: { name: app }, rails: { railsMaxThreads: 1, sidekiqConcurrency: 2 } })).flyToml,
      ...over,
    });
  const counts = (step: "scale" | "scale-down" | "read-counts" | "read-release", target: Record<string, number>) =>
    fly.step(step, { ...env(), [ENV.counts]: JSON.stringify(target) });
  /** Machines of a process group without a deploy (quicker): what scale-down reads is the group. */
  const runMachines = async (group: string, count: number) => {
    for (let i = 0; i < count; i++) await runGroupMachine(fly, app, IMAGE, group);
  };
  const idsOf = (group: string) =>
    machines()
      .filter((m) => m.processGroup === group)
      .map((m) => m.id);

  // An app of its own per test, with secrets the Chatwoot stand-ins start with (no database: they
  // retry it and keep serving their health check).
  beforeEach(async () => {
    app = `steps-rollout-${++n}`;
    await createApp(fly, app);
    await fly.flyOk(
      ["secrets", "import", "--app", app, "--stage"],
      `REDIS_URL="redis://127.0.0.1:6379/14"\nDATABASE_URL="postgres://nobody@127.0.0.1:1/none"\n`,
    );
  });
  afterAll(() => fly.cleanup());

  it("deploys the image with the generated fly.toml from a private file it then removes; scale raises groups once", async () => {
    const run = await deploy();
    expect(run.code).toBe(0);
    expect(resultOf(run)).toEqual({ image: IMAGE, strategy: "rolling" });
    expect(run.stderr).toContain(`deploying ${IMAGE} to ${app} (strategy rolling)`);
    const { line, config } = deployCall();
    expect(line).toBe(`deploy --app ${app} --image ${IMAGE} --config ${config} --strategy rolling --ha=false --yes`);
    // A directory of its own, named for what left it should the step be killed.
    expect(config).toMatch(new RegExp(`^${tmpdir()}/chatwoot-fly-[^/]+/fly\\.toml$`));
    expect(existsSync(config)).toBe(false);
    expect(groups()).toEqual(["web", "worker"]);

    const scaled = await counts("scale", { web: 2, worker: 1 });
    expect(scaled.code).toBe(0);
    expect(resultOf(scaled)).toEqual({ web: 2, worker: 1 });
    expect(scaled.stderr).toContain(`scaled ${app}: web=2`);
    expect(
      calls()
        .filter((c) => c.command === "scale count")
        .map((c) => c.argv),
    ).toEqual([["scale", "count", "web=2", "--app", app, "--yes"]]);
    expect(groups()).toEqual(["web", "web", "worker"]);
    const before = mutating().length;
    const again = await counts("scale", { web: 2, worker: 1 });
    expect(again.stderr).toContain(`${app} needs no scaling`);
    expect(mutating()).toHaveLength(before);
  });

  it("deploys with --update-only when a group is set to 0, so that no group gets a machine", async () => {
    const run = await deploy({ [ENV.deployUpdateOnly]: "1" });
    expect(run.code).toBe(0);
    expect(calls().find((c) => c.command === "deploy")?.argv).toContain("--update-only");
    expect(groups()).toEqual([]);
  });

  it("a failed deploy fails the step and still removes the fly.toml it wrote", async () => {
    fly.faults([{ command: "deploy", mode: "fail", exitCode: 1, stderr: "Error: 503 Service Unavailable", times: 1 }]);
    const run = await deploy();
    expect(run.code).toBe(1);
    const { line, config } = deployCall();
    expect(run.stderr).toContain(`\`flyctl ${line}\` exited 1`);
    expect(line).toBe(`deploy --app ${app} --image ${IMAGE} --config ${config} --strategy rolling --ha=false --yes`);
    expect(run.stdout).toBe("");
    expect(existsSync(config)).toBe(false);
  });

  it("lowers a group by stopping, waiting for and destroying its surplus machines, never with scale count", async () => {
    await runMachines("web", 1);
    await runMachines("worker", 2);
    const workers = idsOf("worker");
    const run = await counts("scale-down", { web: 1, worker: 0 });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`scaled ${app}: worker=0\n`);
    expect(resultOf(run)).toEqual({ web: 1, worker: 0 });
    // Both workers go, in the order the step chose (lib/machineOutput.ts surplusMachines): one stop,
    // then a wait and a destroy per machine, and the web machine stays.
    const stop = calls().find((c) => c.command === "machine stop")?.argv ?? [];
    const order = stop.slice(2, -2);
    expect(stop).toEqual(["machine", "stop", ...order, "--app", app]);
    expect([...order].sort()).toEqual([...workers].sort());
    const after = calls().slice(calls().findIndex((c) => c.command === "machine stop") + 1);
    expect(after.map((c) => c.argv)).toEqual([
      ...order.map((id) => ["machine", "wait", id, "--app", app, "--state", "stopped"]),
      ...order.map((id) => ["machine", "destroy", id, "--app", app, "--force"]),
    ]);
    expect(groups()).toEqual(["web"]);
    expect(calls().some((c) => c.command === "scale count")).toBe(false);
  });

  it("lowers several groups one after the other, in name order", async () => {
    await runMachines("worker", 2);
    await runMachines("web", 2);
    const [webs, workers] = [idsOf("web"), idsOf("worker")];
    const run = await counts("scale-down", { worker: 1, web: 1 });
    expect(run.stderr).toBe(`scaled ${app}: web=1 worker=1\n`);
    const stopped = calls()
      .filter((c) => c.command === "machine stop")
      .map((c) => (webs.includes(c.argv[2]) ? "web" : workers.includes(c.argv[2]) ? "worker" : c.argv[2]));
    expect(stopped).toEqual(["web", "worker"]);
    expect(groups()).toEqual(["web", "worker"]);
  });

  it("read-release gives the distinct images the process groups run, leaving one-off machines out", async () => {
    const empty = await counts("read-release", {});
    expect(resultOf(empty)).toEqual({ images: [] });
    await runMachines("web", 2);
    await runGroupMachine(fly, app, IMAGE_OTHER, "worker");
    await runGroupMachine(fly, app, "busybox:1");
    const read = await counts("read-release", {});
    expect(read.code).toBe(0);
    // As Fly records them: `machine run` pins each image to its digest.
    expect(resultOf(read)).toEqual({
      images: [
        expect.stringMatching(new RegExp(`^${IMAGE}@sha256:[0-9a-f]{64}$`)),
        expect.stringMatching(new RegExp(`^${IMAGE_OTHER}@sha256:`)),
      ],
    });
  });

  it("read-counts reports the machines of each asked group, 0 for one with none, and changes nothing", async () => {
    await runMachines("web", 2);
    await runMachines("worker", 1);
    await runMachines("extra", 1);
    const before = calls().length;
    const read = await counts("read-counts", { worker: 5, web: 0, sidekiq: 1 });
    expect(read.code).toBe(0);
    expect(resultOf(read)).toEqual({ worker: 1, web: 2, sidekiq: 0 });
    expect(read.stderr).toBe("");
    expect(
      calls()
        .slice(before)
        .map((c) => c.argv),
    ).toEqual([["machine", "list", "--app", app, "--json"]]);
  });

  it("scale-down lowers only the groups above their count, and only to it", async () => {
    await runMachines("web", 3);
    await runMachines("worker", 1);
    const down = await counts("scale-down", { worker: 4, web: 2 });
    expect(down.stderr).toContain(`scaled ${app}: web=2`);
    expect(groups()).toEqual(["web", "web", "worker"]);
    const again = await counts("scale-down", { web: 2, worker: 4 });
    expect(again.stderr).toContain(`${app} needs no scale-down`);
    expect(resultOf(again)).toEqual({ web: 2, worker: 4 });
    expect(calls().some((c) => c.command === "scale count")).toBe(false);
  });
});
