/**
 * The flyctl test double (testing/doubles/fake-flyctl) and the Chatwoot stand-ins (testing/doubles/fake-chatwoot) against
 * the local PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis (127.0.0.1:6379).
 * A throwaway database is created for the run and dropped after it; every process a test starts is
 * killed in afterEach/afterAll, even when the test fails.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { renderFlyToml } from "../../lib/flyToml";
import { parseSecrets } from "../../testing/doubles/fake-flyctl/src/secretsParser";
import { readCalls } from "../../testing/doubles/fake-flyctl/src/calllog";
import { waitFor } from "../support/waitFor";

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "..", "..");
const FLYCTL = path.join(ROOT, "testing", "doubles", "fake-flyctl", "bin", "flyctl");
const PG = { host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" };
const DB = `fakefly_${process.pid}_${Date.now().toString(36)}`;
const DB_URL = `postgres://postgres@127.0.0.1:5432/${DB}?sslmode=disable`;
const IMAGE = "chatwoot/chatwoot:v4.14.0";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const stateDirs: string[] = [];
const running = new Set<ChildProcess>();

function newStateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-fly-"));
  stateDirs.push(dir);
  return dir;
}

function fly(dir: string, args: string[], opts: { stdin?: string; env?: Record<string, string | undefined> } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FAKE_FLY_STATE_DIR: dir,
      FLY_API_TOKEN: "test-token",
      FAKE_FLY_CHECK_TIMEOUT_MS: "20000",
    };
    delete env.FLY_ACCESS_TOKEN;
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(FLYCTL, args, { env, cwd: os.tmpdir(), stdio: ["pipe", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? "");
  });
}

async function ok(dir: string, args: string[], opts: { stdin?: string; env?: Record<string, string | undefined> } = {}): Promise<Result> {
  const r = await fly(dir, args, opts);
  if (r.code !== 0) throw new Error(`flyctl ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

interface StateMachine {
  id: string;
  name: string;
  state: string;
  processGroup: string | null;
  hostPort: number | null;
  pid: number | null;
  supervisorPid: number | null;
  restarts: number;
  config: { image: string; guest: { memory_mb: number }; env: Record<string, string> };
}

interface StateFile {
  apps: Record<
    string,
    {
      secrets: Record<string, { value: string; staged: boolean }>;
      releases: Array<{ version: number; status: string }>;
      machines: Record<string, StateMachine>;
    }
  >;
  foreignApps?: string[];
}

function readState(dir: string): StateFile {
  const file = path.join(dir, "state.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as StateFile) : { apps: {} };
}

function machines(dir: string, app: string): StateMachine[] {
  return Object.values(readState(dir).apps[app]?.machines ?? {});
}

function byGroup(dir: string, app: string, group: string): StateMachine[] {
  return machines(dir, app).filter((m) => m.processGroup === group);
}

function alive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every pid the fake recorded in a state dir (machines' processes and their supervisors). */
function recordedPids(dir: string): number[] {
  const pids: number[] = [];
  for (const app of Object.values(readState(dir).apps)) {
    for (const m of Object.values(app.machines)) for (const p of [m.pid, m.supervisorPid]) if (p) pids.push(p);
  }
  return pids;
}

/** State dirs whose machines outlive a single test (a describe block's shared app). */
const sharedDirs = new Set<string>();

function killCliChildren(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/** SIGKILL every supervisor and every machine process group recorded in these state dirs. */
function killMachines(dirs: string[]): void {
  for (const dir of dirs) {
    for (const app of Object.values(readState(dir).apps)) {
      for (const m of Object.values(app.machines)) {
        for (const [pid, group] of [
          [m.supervisorPid, false],
          [m.pid, true],
          [m.pid, false],
        ] as const) {
          if (!pid) continue;
          try {
            process.kill(group ? -pid : pid, "SIGKILL");
          } catch {
            // gone
          }
        }
      }
    }
  }
}

async function pgQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = [], database = PG.database): Promise<T[]> {
  const client = new Client({ ...PG, database });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** application_name -> connections, for this run's database. */
async function connections(): Promise<Record<string, number>> {
  const rows = await pgQuery<{ application_name: string; n: string }>(
    "SELECT application_name, count(*) AS n FROM pg_stat_activity WHERE datname = $1 GROUP BY 1",
    [DB],
  );
  return Object.fromEntries(rows.map((r) => [r.application_name, Number(r.n)]));
}

function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath, timeout: 5000 }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

function processEnv(pid: number): Record<string, string> {
  const raw = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}

interface MachineJson {
  id: string;
  name: string;
  state: string;
  config: { image: string; init: { cmd: string[] } };
  events: Array<{ type: string; request?: { exit_event?: { exit_code?: number } } }>;
}

async function listMachines(dir: string, app: string): Promise<MachineJson[]> {
  return JSON.parse((await ok(dir, ["machine", "list", "--app", app, "--json"])).stdout) as MachineJson[];
}

function exitCodeOf(m: MachineJson | undefined): number | undefined {
  // fly-go's exit_code is omitempty: an exit event without it is exit code 0.
  const exit = m?.events.find((e) => e.type === "exit")?.request?.exit_event;
  return exit && (exit.exit_code ?? 0);
}

function machineIdFrom(stdout: string): string {
  const id = /Machine ID: (\S+)/.exec(stdout)?.[1];
  if (!id) throw new Error(`no machine id in:\n${stdout}`);
  return id;
}

/** The product's own fly.toml renderer, so the fake runs what the stack would deploy. */
function writeFlyToml(dir: string, app: string, opts: { webMb: number; workerMb: number; checkPath?: string }): string {
  const text = renderFlyToml({
    app,
    primaryRegion: "ams",
    env: { RAILS_ENV: "production", PORT: "3000", RAILS_MAX_THREADS: "2", WEB_CONCURRENCY: "2", SIDEKIQ_CONCURRENCY: "3" },
    processes: {
      web: { count: 1, memoryMb: opts.webMb, cpus: 1, cpuKind: "shared" },
      worker: { count: 1, memoryMb: opts.workerMb, cpus: 1, cpuKind: "shared" },
    },
    deploy: { strategy: "rolling", healthCheckPath: opts.checkPath ?? "/health", internalPort: 3000 },
  } as unknown as Parameters<typeof renderFlyToml>[0]);
  const file = path.join(dir, `fly.${Date.now()}.toml`);
  fs.writeFileSync(file, text);
  return file;
}

const deployArgs = (app: string, config: string, image = IMAGE) => [
  "deploy",
  "--app",
  app,
  "--image",
  image,
  "--config",
  config,
  "--strategy",
  "rolling",
  "--ha=false",
  "--yes",
];

beforeAll(async () => {
  await pgQuery(`CREATE DATABASE ${DB}`);
});

afterEach(() => {
  killCliChildren();
  killMachines(stateDirs.filter((d) => !sharedDirs.has(d)));
});

afterAll(async () => {
  killCliChildren();
  killMachines(stateDirs);
  await pgQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [DB]);
  await pgQuery(`DROP DATABASE IF EXISTS ${DB}`);
  for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("secrets import parser (flyctl internal/command/secrets/parser.go)", () => {
  it("parses like flyctl", () => {
    const input = [
      "# a comment",
      "",
      "   ",
      'QUOTED="a b c"',
      "DOLLAR=pa$$word$HOME",
      "HASH=abc#def # cut at the first #",
      'QUOTED_HASH="abc#def"',
      "  SPACED_KEY  =   leading spaces go, trailing stay  ",
      'LEAD_IN_QUOTES="  x"',
      'INNER="say "hi""',
      'HALF="abc',
      "EQUALS=a=b=c",
      "EMPTY=",
      "  #indented=is a key, not a comment",
      'MULTI="""line1',
      "line2",
      'line3"""',
      'PEM="""',
      "-----BEGIN KEY-----",
      "abc",
      '-----END KEY-----"""',
      "CRLF=value\r",
      'UNTERMINATED="""never closed',
      "A=skipped because the multiline above swallows it",
    ].join("\n");
    expect(parseSecrets(input)).toEqual({
      QUOTED: "a b c",
      DOLLAR: "pa$$word$HOME",
      // flyctl cuts an unquoted value at its first "#" and keeps a "#" that sits inside quotes.
      HASH: "abc",
      QUOTED_HASH: "abc#def",
      SPACED_KEY: "leading spaces go, trailing stay  ",
      LEAD_IN_QUOTES: "  x",
      INNER: 'say "hi"',
      HALF: '"abc',
      EQUALS: "a=b=c",
      EMPTY: "",
      "#indented": "is a key, not a comment",
      MULTI: "line1\nline2\nline3",
      PEM: "\n-----BEGIN KEY-----\nabc\n-----END KEY-----",
      CRLF: "value",
    });
    expect(() => parseSecrets("NOEQUALS")).toThrow("Secrets must be provided as NAME=VALUE pairs (NOEQUALS is invalid)");
  });
});

describe("fake flyctl: apps, secrets, flags, faults", () => {
  it("requires a token, like flyctl", async () => {
    const dir = newStateDir();
    const [r, viaAccess, noDir] = await Promise.all([
      fly(dir, ["apps", "list", "--org", "personal", "--json"], { env: { FLY_API_TOKEN: undefined } }),
      fly(dir, ["apps", "list", "--org", "personal", "--json"], { env: { FLY_API_TOKEN: undefined, FLY_ACCESS_TOKEN: "t" } }),
      fly(dir, ["apps", "list"], { env: { FAKE_FLY_STATE_DIR: undefined } }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Error: No access token available. Please login with 'flyctl auth login'");
    expect(viaAccess.code).toBe(0);
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toContain("FAKE_FLY_STATE_DIR is not set");
  });

  it("apps create is not idempotent and names are global; apps list filters by org", async () => {
    const dir = newStateDir();
    fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify({ apps: {}, foreignApps: ["someone-elses"] }));
    // A lock left by a process that died is taken over (stale-lock recovery).
    fs.writeFileSync(path.join(dir, "state.lock"), String(spawnSync("true").pid));
    const created = await ok(dir, ["apps", "create", "cw-one", "--org", "acme", "--json"]);
    expect(JSON.parse(created.stdout)).toMatchObject({ Name: "cw-one", Organization: { Slug: "acme" } });
    const [again, otherOrg, foreign, mineR, noneR] = await Promise.all([
      fly(dir, ["apps", "create", "cw-one", "--org=acme", "--json"]),
      fly(dir, ["apps", "create", "cw-one", "--org", "other", "--json"]),
      fly(dir, ["apps", "create", "someone-elses", "--org", "acme", "--json"]),
      ok(dir, ["apps", "list", "--org", "acme", "--json"]),
      ok(dir, ["apps", "list", "--org", "other", "--json"]),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Error: Validation failed: Name has already been taken");
    expect(otherOrg.code).toBe(1);
    expect(otherOrg.stderr).toContain("Name has already been taken");
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain("Name has already been taken");
    expect((JSON.parse(mineR.stdout) as Array<{ Name: string }>).map((a) => a.Name)).toEqual(["cw-one"]);
    expect(JSON.parse(noneR.stdout)).toEqual([]);
    const calls = readCalls(dir);
    expect(calls).toHaveLength(6);
    expect(calls[0]).toMatchObject({ argv: ["apps", "create", "cw-one", "--org", "acme", "--json"], mutating: true, exitCode: 0 });
    expect(calls.filter((c) => c.argv[1] === "create" && c.exitCode === 1 && c.mutating)).toHaveLength(3);
    expect(calls.filter((c) => c.argv[1] === "list" && c.exitCode === 0 && !c.mutating)).toHaveLength(2);
    expect(calls.every((c) => c.durationMs > 0)).toBe(true);
  });

  it("rejects unknown flags and commands like cobra, and parses flags like pflag", async () => {
    const dir = newStateDir();
    const [flag, cmd, noValue] = await Promise.all([
      fly(dir, ["apps", "list", "--bogus"]),
      fly(dir, ["apps", "frobnicate"]),
      fly(dir, ["secrets", "list", "--app"]),
      ok(dir, ["apps", "create", "cw-flags", "--org", "acme"]),
    ]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain("Error: unknown flag: --bogus");
    expect(cmd.code).toBe(1);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
    expect(noValue.code).toBe(1);
    expect(noValue.stderr).toContain("flag needs an argument: --app");
    const [imported, shortFlag] = await Promise.all([
      ok(dir, ["secrets", "import", "-a", "cw-flags", "--stage"], { stdin: "K=V\n" }),
      fly(dir, ["secrets", "list", "-acw-flags", "-j"]),
    ]);
    expect(imported.stdout).toContain("Secrets have been staged");
    expect(shortFlag.code).toBe(0);
  });

  it("secrets import stores values exactly as flyctl parses them; list shows digests only", async () => {
    const dir = newStateDir();
    await ok(dir, ["apps", "create", "cw-secrets", "--org", "acme"]);
    const stdin = [
      "# comment",
      'URL="postgres://u:p%40ss@db:5432/x?sslmode=require"',
      "DOLLAR=$ecret$$",
      "HASH=a#b",
      'QHASH="a#b"',
      "LEAD=   spaced",
      'KEY="""-----BEGIN-----',
      "body",
      '-----END-----"""',
      "",
    ].join("\n");
    const r = await ok(dir, ["secrets", "import", "--app", "cw-secrets", "--stage"], { stdin });
    expect(r.stdout).toContain("Secrets have been staged");
    const secrets = readState(dir).apps["cw-secrets"].secrets;
    expect(Object.fromEntries(Object.entries(secrets).map(([k, s]) => [k, s.value]))).toEqual({
      URL: "postgres://u:p%40ss@db:5432/x?sslmode=require",
      DOLLAR: "$ecret$$",
      HASH: "a",
      QHASH: "a#b",
      LEAD: "spaced",
      KEY: "-----BEGIN-----\nbody\n-----END-----",
    });
    const [listed, bad] = await Promise.all([
      ok(dir, ["secrets", "list", "--app", "cw-secrets", "--json"]),
      fly(dir, ["secrets", "import", "--app", "cw-secrets", "--stage"], { stdin: "OK=1\nnot a pair\n" }),
    ]);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, string>>;
    expect(rows.map((x) => x.name)).toEqual(["DOLLAR", "HASH", "KEY", "LEAD", "QHASH", "URL"]);
    for (const row of rows) expect(row).toEqual({ name: row.name, digest: expect.stringMatching(/^[0-9a-f]{16}$/), status: "Staged" });
    expect(listed.stdout).not.toContain("ecret");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Secrets must be provided as NAME=VALUE pairs (not a pair is invalid)");
    await ok(dir, ["secrets", "unset", "HASH", "LEAD", "--app", "cw-secrets", "--stage"]);
    expect(Object.keys(readState(dir).apps["cw-secrets"].secrets).sort()).toEqual(["DOLLAR", "KEY", "QHASH", "URL"]);
  });

  it("faults: fail exits with the given code and text before doing anything; hang blocks until killed", async () => {
    const dir = newStateDir();
    await ok(dir, ["apps", "create", "cw-faults", "--org", "acme"]);
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([
        { command: "secrets import", mode: "fail", exitCode: 2, stderr: "Error: failed to set secrets: 503 Service Unavailable", times: 1 },
        { command: "apps list", mode: "hang", times: 1 },
      ]),
    );
    const failed = await fly(dir, ["secrets", "import", "--app", "cw-faults", "--stage"], { stdin: "A=1\n" });
    expect(failed.code).toBe(2);
    expect(failed.stderr.trim()).toBe("Error: failed to set secrets: 503 Service Unavailable");
    expect(readState(dir).apps["cw-faults"].secrets).toEqual({});
    const retried = await ok(dir, ["secrets", "import", "--app", "cw-faults", "--stage"], { stdin: "A=1\n" });
    expect(retried.code).toBe(0);

    const hung = fly(dir, ["apps", "list", "--json"]);
    // The fault is counted down (faults.json rewritten) right before the command starts hanging.
    await waitFor("the hang fault to be taken", () =>
      fs.readFileSync(path.join(dir, "faults.json"), "utf8").includes("hang") ? undefined : true,
    );
    await new Promise((r) => setTimeout(r, 300));
    const child = [...running].find((c) => c.spawnargs.includes("list"));
    expect(child).toBeDefined();
    child?.kill("SIGTERM");
    expect((await hung).code).toBe(143);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "faults.json"), "utf8"))).toEqual([]);
    expect((await ok(dir, ["apps", "list", "--json"])).code).toBe(0);
  });
});

describe("fake-chatwoot migration stand-in", () => {
  it("takes the Rails migrator lock with pg_try_advisory_lock: a concurrent run fails at once; statement_timeout applies", async () => {
    const image = path.join(ROOT, "testing", "doubles", "fake-chatwoot", "image");
    const run = (env: Record<string, string>): Promise<Result> =>
      new Promise((resolve) => {
        const child = spawn("bundle", ["exec", "rails", "db:chatwoot_prepare"], {
          cwd: image,
          env: {
            PATH: `${path.join(image, "bin")}:${process.env.PATH}`,
            HOME: os.homedir(),
            DATABASE_URL: DB_URL,
            FLY_MACHINE_ID: "test",
            ...env,
          },
        });
        running.add(child);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => {
          running.delete(child);
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });
    const holder = run({ FAKE_MIGRATION_SLEEP_MS: "6000", POSTGRES_STATEMENT_TIMEOUT: "600s" });
    await waitFor("the lock holder", async () => {
      const rows = await pgQuery<{ n: string }>(
        "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1",
        [DB],
      );
      return Number(rows[0].n) > 0 ? true : undefined;
    });
    const [second, timedOut] = await Promise.all([
      run({}),
      run({ FAKE_MIGRATION_SLEEP_MS: "6000", POSTGRES_STATEMENT_TIMEOUT: "1s", DATABASE_URL: `${DB_URL}&advisory_locks=false` }),
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("ActiveRecord::ConcurrentMigrationError");
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toContain("canceling statement due to statement timeout");
    const first = await holder;
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("db:chatwoot_prepare done");
  });
});

describe("fake flyctl machines running the Chatwoot stand-ins", () => {
  const dir = newStateDir();
  const app = `cw-${process.pid}`;
  let webMb = 1024;
  let workerMb = 512;

  const restarts = () => Object.fromEntries(machines(dir, app).map((m) => [m.id, m.restarts]));
  sharedDirs.add(dir);

  beforeAll(async () => {
    await ok(dir, ["apps", "create", app, "--org", "acme", "--json"]);
    await ok(dir, ["secrets", "import", "--app", app, "--stage"], {
      stdin: `DATABASE_URL=${DB_URL}\nMIGRATION_DATABASE_URL=${DB_URL}\nREDIS_URL=redis://127.0.0.1:6379\nSECRET_KEY_BASE="abc123"\n`,
    });
  });

  // These tests share one app and go in order; each leaves it deployed and healthy. Its processes
  // are killed when the block ends, however it ends.
  afterAll(() => {
    killCliChildren();
    killMachines([dir]);
  });

  it("deploy creates one machine per process group, each holding Chatwoot's connections; /api is ok", async () => {
    const config = writeFlyToml(dir, app, { webMb, workerMb });
    const r = await ok(dir, deployArgs(app, config));
    expect(r.stdout).toContain("Finished deploying");
    const [web] = byGroup(dir, app, "web");
    const [worker] = byGroup(dir, app, "worker");
    expect(machines(dir, app)).toHaveLength(2);
    expect(web.config.guest.memory_mb).toBe(1024);
    expect(worker.config.guest.memory_mb).toBe(512);
    // web: max(1, WEB_CONCURRENCY=2) x RAILS_MAX_THREADS=2; worker: SIDEKIQ_CONCURRENCY=3.
    await waitFor("connections", async () => {
      const c = await connections();
      return c[`chatwoot-web-${web.id}`] === 4 && c[`chatwoot-worker-${worker.id}`] === 3 ? c : undefined;
    });
    const api = await waitFor("data_services ok", async () => {
      const res = await httpGet(web.hostPort as number, "/api");
      return JSON.parse(res.body).data_services === "ok" ? res : undefined;
    });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toMatchObject({ version: "4.14.0", data_services: "ok", queue_services: "ok" });
    expect(JSON.parse((await httpGet(web.hostPort as number, "/health")).body)).toEqual({ status: "woot" });
    expect((await httpGet(web.hostPort as number, "/hc")).status).toBe(404);
    // Secrets reach the process env (staged ones included, at first start); the token does not.
    const env = processEnv(web.pid as number);
    expect(env).toMatchObject({
      DATABASE_URL: DB_URL,
      FLY_APP_NAME: app,
      FLY_MACHINE_ID: web.id,
      FLY_IMAGE_REF: IMAGE,
      FLY_PROCESS_GROUP: "web",
      PORT: String(web.hostPort),
    });
    expect(env.FLY_API_TOKEN).toBeUndefined();
    expect(readState(dir).apps[app].releases.map((x) => x.status)).toEqual(["complete"]);
  });

  it("an unchanged redeploy restarts nothing; a [[vm]] memory change restarts each machine once", async () => {
    const before = restarts();
    await ok(dir, deployArgs(app, writeFlyToml(dir, app, { webMb, workerMb })));
    expect(restarts()).toEqual(before);
    webMb = 2048;
    workerMb = 1024;
    await ok(dir, deployArgs(app, writeFlyToml(dir, app, { webMb, workerMb })));
    const after = restarts();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const id of Object.keys(before)) expect(after[id]).toBe(before[id] + 1);
    expect(byGroup(dir, app, "web")[0].config.guest.memory_mb).toBe(2048);
    expect(byGroup(dir, app, "worker")[0].config.guest.memory_mb).toBe(1024);
    expect(readState(dir).apps[app].releases.map((x) => x.version)).toEqual([1, 2, 3]);
  });

  it("--stage restarts nothing (new value at the next start); without it every machine restarts once", async () => {
    const before = restarts();
    await ok(dir, ["secrets", "import", "--app", app, "--stage"], { stdin: "FEATURE_FLAG=staged\n" });
    expect(restarts()).toEqual(before);
    for (const m of machines(dir, app)) expect(processEnv(m.pid as number).FEATURE_FLAG).toBeUndefined();
    expect(readState(dir).apps[app].secrets.FEATURE_FLAG.staged).toBe(true);

    await ok(dir, ["secrets", "import", "--app", app], { stdin: "OTHER=now\n" });
    const after = restarts();
    for (const id of Object.keys(before)) expect(after[id]).toBe(before[id] + 1);
    for (const m of machines(dir, app)) expect(processEnv(m.pid as number)).toMatchObject({ FEATURE_FLAG: "staged", OTHER: "now" });
    expect(readState(dir).apps[app].secrets.FEATURE_FLAG.staged).toBe(false);
  });

  it("a failing health check fails the deploy: its group's later machines keep the old image; the other group updates at the same time", async () => {
    await ok(dir, ["scale", "count", "web=2", "--app", app, "--yes"]);
    const bad = writeFlyToml(dir, app, { webMb, workerMb, checkPath: "/hc" });
    const r = await fly(dir, deployArgs(app, bad, "chatwoot/chatwoot:v4.15.0"), { env: { FAKE_FLY_CHECK_TIMEOUT_MS: "2500" } });
    // flyctl's rolling strategy: each group machine by machine in ID order, the groups side by side.
    const [first, second] = byGroup(dir, app, "web").sort((a, b) => (a.id < b.id ? -1 : 1));
    const [worker] = byGroup(dir, app, "worker");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `failed to update machine ${first.id}: Unrecoverable error: timeout reached waiting for health checks to pass for machine ${first.id}`,
    );
    expect([first, second, worker].map((m) => m.config.image)).toEqual(["chatwoot/chatwoot:v4.15.0", IMAGE, "chatwoot/chatwoot:v4.15.0"]);
    expect(readState(dir).apps[app].releases.at(-1)?.status).toBe("failed");
    // A good deploy brings everything to the new image.
    await ok(dir, deployArgs(app, writeFlyToml(dir, app, { webMb, workerMb }), "chatwoot/chatwoot:v4.15.0"));
    expect(machines(dir, app).map((m) => m.config.image)).toEqual(Array(3).fill("chatwoot/chatwoot:v4.15.0"));
    await ok(dir, ["scale", "count", "web=1", "--app", app, "--yes"]);
    expect(readState(dir).apps[app].releases.at(-1)?.status).toBe("complete");
    const [web2] = byGroup(dir, app, "web");
    const api = await waitFor("api on the new image", async () => {
      const res = await httpGet(web2.hostPort as number, "/api");
      return JSON.parse(res.body).data_services === "ok" ? JSON.parse(res.body) : undefined;
    });
    expect(api.version).toBe("4.15.0");
  });

  it("scale count adds and removes machines, and says so when nothing changes", async () => {
    const [firstWeb] = byGroup(dir, app, "web");
    const up = await ok(dir, ["scale", "count", "web=2", "worker=1", "--app", app, "--yes"]);
    expect(up.stdout).toContain("+1 machines for group 'web'");
    const webs = byGroup(dir, app, "web");
    expect(webs).toHaveLength(2);
    expect(new Set(webs.map((m) => m.hostPort)).size).toBe(2);
    const added = webs.find((m) => m.id !== firstWeb.id) as StateMachine;
    expect(added.config.guest.memory_mb).toBe(webMb);
    await waitFor("connections of the new web machine", async () =>
      (await connections())[`chatwoot-web-${added.id}`] === 4 ? true : undefined,
    );
    for (const m of webs) expect((await httpGet(m.hostPort as number, "/health")).status).toBe(200);

    const same = await ok(dir, ["scale", "count", "web=2", "worker=1", "--app", app, "--yes"]);
    expect(same.stdout).toContain("App already scaled to desired state");
    expect(readCalls(dir).at(-1)).toMatchObject({ command: "scale count", mutating: true, changed: false, exitCode: 0 });

    await ok(dir, ["scale", "count", "web=1", "--app", app, "--yes"]);
    expect(byGroup(dir, app, "web")).toHaveLength(1);
    expect(byGroup(dir, app, "worker")).toHaveLength(1);
    const [victim] = webs.filter((m) => !byGroup(dir, app, "web").some((x) => x.id === m.id));
    expect(alive(victim.pid)).toBe(false);
    expect(alive(victim.supervisorPid)).toBe(false);
    await waitFor("the destroyed machine's connections to close", async () =>
      (await connections())[`chatwoot-web-${victim.id}`] === undefined ? true : undefined,
    );
  });

  it("scale memory updates the group's machines only, restarting each once; bad sizes fail like flyctl", async () => {
    const memory = () => Object.fromEntries(machines(dir, app).map((m) => [m.id, m.config.guest.memory_mb]));
    const before = { restarts: restarts(), memory: memory() };
    const [web] = byGroup(dir, app, "web");
    const [worker] = byGroup(dir, app, "worker");

    // Rejected before any machine is touched (flyctl's mach.Update checks, printed with description and suggestion).
    const step = await fly(dir, ["scale", "memory", "1000", "--process-group", "web", "--app", app]);
    expect(step.code).toBe(1);
    expect(step.stderr).toBe(
      "Error: invalid memory size\n1000MiB of memory is not valid\n\nMemory size must be in a 256 MiB increment (768MiB would work)\n\n" +
        "View more information at  https://fly.io/docs/machines/guides-examples/machine-sizing/\n\n",
    );
    const high = await fly(dir, ["scale", "memory", "4096", "-g", "web", "-a", app]);
    expect(high.stderr).toContain("Error: memory size for config is too high\nFor shared VMs with 1 CPUs, 4096MiB of memory is too high");
    expect(high.stderr).toContain("Try setting memory to a value <= 2048MiB for the config changes requested");
    const unparsable = await fly(dir, ["scale", "memory", "lots", "--process-group", "web", "--app", app]);
    expect(unparsable.stderr).toBe("Error: invalid size: invalid size: 'lots'\n");
    const noGroup = await fly(dir, ["scale", "memory", "1024", "--app", app]);
    expect(noGroup.stderr).toContain(
      "scaling an app with multiple process groups requires specifying a group with '--process-group <name>'\n * this app has the following process groups: ['web', 'worker']",
    );
    const unknown = await fly(dir, ["scale", "memory", "1024", "--process-group", "cron", "--app", app]);
    expect(unknown.stderr).toBe("Error: No active machines in process group 'cron', check `fly status` output\n");
    expect(restarts()).toEqual(before.restarts);
    expect(memory()).toEqual(before.memory);

    // "1.5gb" goes through units.RAMInBytes: 1536 MiB, a 256 MiB step, within shared-cpu-1x's 2048.
    const r = await ok(dir, ["scale", "memory", "1.5gb", "--process-group", "web", "--app", app]);
    expect(r.stdout).toContain("Scaled VM Type for 'web' to 'shared-cpu-1x'\n      CPU Cores: 1\n         Memory: 1536 MB\n");
    expect(memory()).toEqual({ ...before.memory, [web.id]: 1536 });
    expect(restarts()).toEqual({ ...before.restarts, [web.id]: before.restarts[web.id] + 1 });
    const [webAfter] = byGroup(dir, app, "web");
    expect(processEnv(webAfter.pid as number).FLY_VM_MEMORY_MB).toBe("1536");
    expect((await httpGet(webAfter.hostPort as number, "/health")).status).toBe(200);
    expect(readCalls(dir).at(-1)).toMatchObject({ command: "scale memory", mutating: true, exitCode: 0 });

    // The alias --group works too; the worker alone restarts.
    await ok(dir, ["scale", "memory", "2048", "--group", "worker", "--app", app]);
    expect(memory()).toEqual({ ...before.memory, [web.id]: 1536, [worker.id]: 2048 });
    expect(restarts()).toEqual({
      ...before.restarts,
      [web.id]: before.restarts[web.id] + 1,
      [worker.id]: before.restarts[worker.id] + 1,
    });
  });

  it("machine run + wait + list report the migration's exit code (0, then non-zero), wait times out, destroy kills", async () => {
    const base = [
      "--app",
      app,
      "--region",
      "ams",
      "--restart",
      "no",
      "--vm-memory",
      "1024",
      "--env",
      "POSTGRES_STATEMENT_TIMEOUT=600s",
      "--metadata",
      "chatwoot_role=migration",
    ];
    const script = 'export DATABASE_URL="$MIGRATION_DATABASE_URL"; exec "$@"';
    // With `--`, the command reaches the machine whole.
    const good = ok(dir, [
      "machine",
      "run",
      IMAGE,
      ...base,
      "--name",
      "migrate-ok",
      "--",
      "/bin/sh",
      "-c",
      script,
      "migrate",
      "bundle",
      "exec",
      "rails",
      "db:chatwoot_prepare",
    ]);
    // Without it, pflag takes the command's own `-c SCRIPT` as flyctl's --config (as real flyctl does).
    const mangled = ok(dir, [
      "machine",
      "run",
      IMAGE,
      "/bin/sh",
      "-c",
      script,
      "migrate",
      "bundle",
      "exec",
      "rails",
      "db:chatwoot_prepare",
      ...base,
      "--name",
      "migrate-mangled",
    ]);
    const sleeper = ok(dir, ["machine", "run", IMAGE, ...base, "--name", "sleeper", "--", "sleep", "60"]);
    const [goodId, mangledId, sleeperId] = (await Promise.all([good, mangled, sleeper])).map((r) => machineIdFrom(r.stdout));

    const [timedOut, ...waits] = await Promise.all([
      fly(dir, ["machine", "wait", sleeperId, "--app", app, "--state", "stopped", "-w", "1s"]),
      ...[goodId, mangledId].map((id) => fly(dir, ["machine", "wait", id, "--app", app, "--state", "stopped", "--wait-timeout", "600s"])),
    ]);
    for (const w of waits) expect(w.code).toBe(0);
    expect(waits[0].stdout).toContain(`Waiting up to 10m0s for machine ${goodId} to reach "stopped"`);

    const list = await listMachines(dir, app);
    const goodM = list.find((m) => m.id === goodId);
    expect(goodM).toMatchObject({ name: "migrate-ok", state: "stopped", config: { image: IMAGE } });
    expect(exitCodeOf(goodM)).toBe(0);
    // As real flyctl prints it (fly-go's MachineExitEvent: exit_code omitempty): exit 0 has no exit_code.
    const goodExit = goodM?.events.find((e) => e.type === "exit")?.request?.exit_event;
    expect(goodExit).toBeDefined();
    expect(goodExit).not.toHaveProperty("exit_code");
    const mangledM = list.find((m) => m.id === mangledId);
    expect(mangledM?.config.init.cmd).toEqual(["/bin/sh", "migrate", "bundle", "exec", "rails", "db:chatwoot_prepare"]);
    expect(exitCodeOf(mangledM)).not.toBe(0);
    const versions = await pgQuery<{ version: string }>("SELECT version FROM schema_migrations ORDER BY 1", [], DB);
    expect(versions.length).toBeGreaterThan(0);
    // The migration machine is not a Fly platform machine: scale/deploy don't count it.
    expect(byGroup(dir, app, "web")).toHaveLength(1);

    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toContain(`Error: machine ${sleeperId} did not reach "stopped" within 1s`);
    const sleeperPid = machines(dir, app).find((m) => m.id === sleeperId)?.pid;
    expect(alive(sleeperPid)).toBe(true);
    const refused = await fly(dir, ["machine", "destroy", sleeperId, "--app", app]);
    expect(refused.code).toBe(1);
    await Promise.all([
      ok(dir, ["machine", "destroy", sleeperId, "--app", app, "--force"]),
      ok(dir, ["machine", "destroy", goodId, "--app", app, "--force"]),
      ok(dir, ["machine", "destroy", mangledId, "--app", app]),
    ]);
    expect(alive(sleeperPid)).toBe(false);
    expect((await listMachines(dir, app)).map((m) => m.id).sort()).toEqual(
      machines(dir, app)
        .map((m) => m.id)
        .sort(),
    );
    expect(machines(dir, app)).toHaveLength(2);
  });

  it("machine run faults: exit-code replaces the command's exit status; lose-machine makes it vanish, even once its command ended", async () => {
    fs.writeFileSync(
      path.join(dir, "faults.json"),
      JSON.stringify([
        { command: "machine run", mode: "exit-code", exitCode: 3, times: 1 },
        { command: "machine run", mode: "lose-machine", times: 1 },
        { command: "machine run", mode: "lose-machine", afterMs: 5000, times: 1 },
      ]),
    );
    const first = machineIdFrom(
      (await ok(dir, ["machine", "run", IMAGE, "--app", app, "--restart", "no", "--", "bundle", "exec", "rails", "db:chatwoot_prepare"]))
        .stdout,
    );
    const second = machineIdFrom((await ok(dir, ["machine", "run", IMAGE, "--app", app, "--restart", "no", "--", "sleep", "60"])).stdout);
    // Its command ends after 1 s, long before afterMs: the machine still vanishes, with no exit event.
    const third = machineIdFrom((await ok(dir, ["machine", "run", IMAGE, "--app", app, "--restart", "no", "--", "sleep", "1"])).stdout);
    const [firstWait, lost, lostAfterExit] = await Promise.all([
      fly(dir, ["machine", "wait", first, "--app", app, "--state", "stopped", "--wait-timeout", "60s"]),
      fly(dir, ["machine", "wait", second, "--app", app, "--state", "stopped", "--wait-timeout", "60s"]),
      fly(dir, ["machine", "wait", third, "--app", app, "--state", "stopped", "--wait-timeout", "60s"]),
    ]);
    expect(firstWait.code).toBe(0);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(second);
    expect(lostAfterExit.code).toBe(1);
    expect(lostAfterExit.stderr).toContain(third);
    const list = await listMachines(dir, app);
    expect(exitCodeOf(list.find((m) => m.id === first))).toBe(3);
    expect(list.find((m) => m.id === second)).toBeUndefined();
    expect(list.find((m) => m.id === third)).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, "faults.json"), "utf8").trim()).toBe("[]");
    await ok(dir, ["machine", "destroy", first, "--app", app]);
  });

  it("apps destroy stops every process of the app", async () => {
    const pids = recordedPids(dir);
    expect(pids.length).toBeGreaterThanOrEqual(4);
    expect(pids.every(alive)).toBe(true);
    await ok(dir, ["apps", "destroy", app, "--yes"]);
    expect(pids.filter(alive)).toEqual([]);
    expect(readState(dir).apps[app]).toBeUndefined();
    await waitFor("no connection left", async () => (Object.keys(await connections()).length === 0 ? true : undefined));
  });
});
