/**
 * A job that runs while a rollout replaces the worker is finished or handed back, not lost: the
 * stack's fly.toml (kill_signal SIGTERM, kill_timeout = Sidekiq's timeout + 5 s, at least 30 s) on the
 * flyctl double, whose machines stop as flyd does (kill_signal, SIGKILL after kill_timeout), running
 * the stand-in worker, which shuts down as Sidekiq does (stop fetching, wait up to -t, push unfinished
 * jobs back to Redis). The control: the same rollout with Fly's old 5 s-style short kill_timeout
 * (1 s here, against Sidekiq's 5 s) kills the worker mid-wait and the job is gone.
 * Runs a private redis-server (the binary testing/services.sh needs) on a free port, so concurrent runs
 * of the suite on one machine never share a queue.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RedisConnection } from "../../testing/doubles/fake-chatwoot/src/resp";
import { freePort } from "../../testing/local/freePort";
import { planOf, stagingWith } from "../support/configs";
import { waitFor } from "../support/waitFor";

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, "..", "..");
const FLYCTL = path.join(ROOT, "testing", "doubles", "fake-flyctl", "bin", "flyctl");
let REDIS_URL = "";
let redisServer: ChildProcess | undefined;
const IMAGE = "chatwoot/chatwoot:v4.14.0";
const SIDEKIQ_TIMEOUT = 5;

const dirs: string[] = [];
let redis: RedisConnection;

function fly(dir: string, args: string[], stdin = ""): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, FAKE_FLY_STATE_DIR: dir, FLY_API_TOKEN: "test-token", FAKE_FLY_CHECK_TIMEOUT_MS: "30000" };
    const child = spawn(FLYCTL, args, { env, cwd: os.tmpdir(), stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
    child.stdin.end(stdin);
  });
}

async function ok(dir: string, args: string[], stdin = ""): Promise<string> {
  const r = await fly(dir, args, stdin);
  if (r.code !== 0) throw new Error(`flyctl ${args.join(" ")} exited ${r.code}\n${r.out}`);
  return r.out;
}

interface StateMachine {
  id: string;
  processGroup: string | null;
  state: string;
  instanceId: string;
  killSignal: string;
  killTimeoutMs: number;
}

function workers(dir: string, app: string): StateMachine[] {
  const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as {
    apps: Record<string, { machines: Record<string, StateMachine> }>;
  };
  return Object.values(state.apps[app]?.machines ?? {}).filter((m) => m.processGroup === "worker");
}

/** The stack's fly.toml for a small app, optionally with another kill_timeout. */
function flyToml(dir: string, app: string, rollout: number, killTimeout?: string): string {
  const plan = planOf(
    stagingWith({
      app: { name: app },
      rails: { sidekiqShutdownTimeout: SIDEKIQ_TIMEOUT, railsMaxThreads: 1, sidekiqConcurrency: 2, extraEnv: { ROLLOUT: String(rollout) } },
    }),
  );
  const text = killTimeout ? plan.flyToml.replace(/^kill_timeout = .*$/m, `kill_timeout = "${killTimeout}"`) : plan.flyToml;
  const file = path.join(dir, `fly.${rollout}.toml`);
  fs.writeFileSync(file, text);
  return file;
}

async function deploy(dir: string, app: string, file: string): Promise<void> {
  await ok(dir, ["deploy", "--app", app, "--image", IMAGE, "--config", file, "--strategy", "rolling", "--ha=false", "--yes"]);
}

async function setUp(app: string, killTimeout?: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "graceful-stop-"));
  dirs.push(dir);
  await ok(dir, ["apps", "create", app, "--org", "personal", "--json"]);
  // No database is needed here: the stand-ins retry a missing one and keep running.
  await ok(
    dir,
    ["secrets", "import", "--app", app, "--stage"],
    `REDIS_URL="${REDIS_URL}"\nDATABASE_URL="postgres://nobody@127.0.0.1:1/none"\n`,
  );
  await deploy(dir, app, flyToml(dir, app, 1, killTimeout));
  await waitFor("the worker machine", () => workers(dir, app).find((m) => m.state === "started"), 60_000);
  // Only the worker rolls, so the signal reaches it within a second or two of the deploy's start.
  await ok(dir, ["scale", "count", "web=0", "--app", app, "--yes"]);
  return dir;
}

async function list(name: string): Promise<Array<{ jid: string; machine: string; instance: string }>> {
  const items = (await redis.ok(["LRANGE", `fake-chatwoot:${name}`, "0", "-1"])) as string[];
  return items.map((i) => JSON.parse(i) as { jid: string; machine: string; instance: string });
}

/** Enqueues like Sidekiq's client: LPUSH of the job's JSON on queue:<name>. */
async function enqueue(jid: string, ms: number, gate?: string): Promise<void> {
  const job = {
    class: "FakeChatwoot::SleepJob",
    args: gate ? [ms, gate] : [ms],
    jid,
    queue: "default",
    retry: true,
    created_at: Date.now() / 1000,
  };
  await redis.ok(["LPUSH", "queue:default", JSON.stringify(job)]);
}

beforeAll(async () => {
  const port = await freePort();
  redisServer = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  REDIS_URL = `redis://127.0.0.1:${port}/0`;
  redis = await waitFor("the private redis-server", () => RedisConnection.open(REDIS_URL, undefined), 10_000);
});

beforeEach(async () => {
  await redis.ok(["FLUSHDB"]);
});

afterAll(async () => {
  for (const dir of dirs) {
    const state = path.join(dir, "state.json");
    if (!fs.existsSync(state)) continue;
    for (const app of Object.keys((JSON.parse(fs.readFileSync(state, "utf8")) as { apps: object }).apps)) {
      await fly(dir, ["apps", "destroy", app, "--yes"]);
    }
  }
  redis.close();
  redisServer?.kill("SIGKILL");
});

describe("a job running during a rollout", () => {
  it("finishes when it fits Sidekiq's timeout, and is pushed back and run again by the new worker when it does not", async () => {
    const app = "graceful-stop";
    const dir = await setUp(app);
    const [before] = workers(dir, app);
    expect(before).toMatchObject({ killSignal: "SIGTERM", killTimeoutMs: 30_000 });

    await enqueue("short", 4_000);
    // Runs until the test opens its gate (after the rollout), so it is still running when the worker stops,
    // however slowly the deploy starts on a loaded machine.
    await enqueue("long", 600_000, "long");
    await waitFor("both jobs to start", async () => (await list("started")).length === 2, 30_000);

    await deploy(dir, app, flyToml(dir, app, 2));
    const after = workers(dir, app)[0];
    expect(after.instanceId).not.toBe(before.instanceId);
    await redis.ok(["SET", "fake-chatwoot:gate:long", "1"]);

    const done = await waitFor(
      "the long job to finish on the new worker",
      async () => {
        const d = await list("done");
        return d.some((j) => j.jid === "long") ? d : undefined;
      },
      40_000,
    );
    // The short job finished on the old machine before it stopped; the long one was handed back.
    expect(done.find((j) => j.jid === "short")?.instance).toBe(before.instanceId);
    expect(done.find((j) => j.jid === "long")?.instance).toBe(after.instanceId);
    expect(done.filter((j) => j.jid === "long")).toHaveLength(1);
    expect((await list("started")).filter((j) => j.jid === "long").map((j) => j.instance)).toEqual([before.instanceId, after.instanceId]);
    const log = fs.readFileSync(path.join(dir, "logs", `${after.id}.log`), "utf8");
    expect(log).toContain(`pausing up to ${SIDEKIQ_TIMEOUT}s`);
    expect(log).toContain("Pushed 1 jobs back to Redis");
    // The old process stopped on SIGTERM and said goodbye (no SIGKILL). Whether the short job finished
    // before the signal or during the pause depends on how fast the deploy starts; either way it is done.
    expect(log).toContain("Shutting down (SIGTERM)");
    expect(log).toContain("Bye!");
  });

  it("is lost when Fly kills the machine before Sidekiq hands it back (kill_timeout shorter than Sidekiq's)", async () => {
    const app = "graceful-stop-short";
    // The double stops a machine with the stop settings it runs with, before it applies the new
    // config, so the short timeout must already be on the machine.
    const dir = await setUp(app, "1s");
    expect(workers(dir, app)[0]).toMatchObject({ killSignal: "SIGTERM", killTimeoutMs: 1_000 });
    await enqueue("long", 600_000, "never");
    await waitFor("the job to start", async () => (await list("started")).length === 1, 30_000);

    await deploy(dir, app, flyToml(dir, app, 2, "1s"));
    await new Promise((r) => setTimeout(r, 15_000));
    expect(await list("done")).toEqual([]);
    expect(await list("started")).toHaveLength(1);
    expect(await redis.ok(["LLEN", "queue:default"])).toBe(0);
  });
});
