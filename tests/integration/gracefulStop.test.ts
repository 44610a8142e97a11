/**
 * A job that runs while a rollout replaces the worker is finished or handed back, not lost: the
 * stack's fly.toml (kill_signal SIGTERM, kill_timeout = Sidekiq's timeout + 5 s, at least 30 s) through
 * real flyctl against the fake Fly API, whose machines stop as flyd does (kill_signal, SIGKILL after kill_timeout), running
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
import { FlyDouble } from "../../testing/doubles/fake-fly-api/src/harness";
import { ENV } from "../../lib/stepContract";
import { freePort } from "../../testing/local/freePort";
import { spawnCollect } from "../../testing/local/spawnCollect";
import { planOf, REPO, stagingWith } from "../support/configs";
import { waitFor } from "../support/waitFor";

jest.setTimeout(180_000);

let REDIS_URL = "";
let redisServer: ChildProcess | undefined;
const IMAGE = "chatwoot/chatwoot:v4.14.0";
const SIDEKIQ_TIMEOUT = 5;

/** One Fly.io per test: its state dir and the flyctl that drives it. */
const flies = new Map<string, FlyDouble>();
let redis: RedisConnection;

function fly(dir: string, args: string[], stdin = ""): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const double = flies.get(dir)!;
    const env = { ...process.env, ...double.env(), FLY_API_TOKEN: "test-token", FAKE_FLY_CHECK_TIMEOUT_MS: "30000" };
    const child = spawn(double.flyctl, args, { env, cwd: os.tmpdir(), stdio: ["pipe", "pipe", "pipe"] });
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
  // As the rollout step deploys (steps/rollout.ts): --update-only leaves web, scaled to 0, at 0.
  await ok(dir, [
    "deploy",
    "--app",
    app,
    "--image",
    IMAGE,
    "--config",
    file,
    "--strategy",
    "rolling",
    "--ha=false",
    "--update-only",
    "--yes",
  ]);
}

async function setUp(app: string, killTimeout?: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "graceful-stop-"));
  flies.set(dir, await new FlyDouble(dir).start());
  await ok(dir, ["apps", "create", app, "--org", "personal", "--json"]);
  // No database is needed here: the stand-ins retry a missing one and keep running.
  await ok(
    dir,
    ["secrets", "import", "--app", app, "--stage"],
    `REDIS_URL="${REDIS_URL}"\nDATABASE_URL="postgres://nobody@127.0.0.1:1/none"\n`,
  );
  await deploy(dir, app, flyToml(dir, app, 1, killTimeout));
  // As the scale step does after a first deploy; only the worker, so that it alone rolls and the
  // signal reaches it within a second or two of the deploy's start.
  await ok(dir, ["scale", "count", "web=0", "worker=1", "--app", app, "--yes"]);
  await waitFor("the worker machine", () => workers(dir, app).find((m) => m.state === "started"), 60_000);
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

/** Destroys the apps of earlier tests: their workers share this Redis and would take the next test's jobs. */
async function destroyApps(): Promise<void> {
  for (const dir of flies.keys()) {
    const state = path.join(dir, "state.json");
    if (!fs.existsSync(state)) continue;
    for (const app of Object.keys((JSON.parse(fs.readFileSync(state, "utf8")) as { apps: object }).apps)) {
      await fly(dir, ["apps", "destroy", app, "--yes"]);
    }
  }
}

beforeEach(async () => {
  await destroyApps();
  await redis.ok(["FLUSHDB"]);
});

afterAll(async () => {
  await destroyApps();
  for (const double of flies.values()) await double.stop();
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

/** Runs a counts step (steps/counts.ts) against this test's Fly, as its Command would. */
function countsStep(dir: string, app: string, step: "scale-down" | "scale", counts: Record<string, number>) {
  const double = flies.get(dir)!;
  return spawnCollect("node", ["-r", "ts-node/register/transpile-only", "steps/main.ts", step], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...double.env(),
      [ENV.flyctl]: double.flyctl,
      [ENV.flyctlTimeout]: "300",
      [ENV.flyToken]: "test-token",
      [ENV.app]: app,
      [ENV.counts]: JSON.stringify(counts),
    },
  }).done;
}

const queued = async () =>
  ((await redis.ok(["LRANGE", "queue:default", "0", "-1"])) as string[]).map((j) => (JSON.parse(j) as { jid: string }).jid);

describe("a job running when the worker is scaled down", () => {
  it("is handed back to the queue: the counts step stops the machine (kill_signal, kill_timeout) before it destroys it", async () => {
    const app = "graceful-scale-down";
    const dir = await setUp(app);
    await enqueue("long", 600_000, "never");
    await waitFor("the job to start", async () => (await list("started")).length === 1, 30_000);

    const run = await countsStep(dir, app, "scale-down", { web: 0, worker: 0 });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`scaled ${app}: worker=0`) });
    expect(workers(dir, app)).toEqual([]);
    // Sidekiq paused up to its timeout and pushed the job back: it waits in the queue for a worker.
    expect(await queued()).toEqual(["long"]);
    expect(await list("done")).toEqual([]);
  });

  it("is lost under `fly scale count`, which destroys a running machine with kill=true", async () => {
    const app = "graceful-scale-count";
    const dir = await setUp(app);
    await enqueue("long", 600_000, "never");
    await waitFor("the job to start", async () => (await list("started")).length === 1, 30_000);

    await ok(dir, ["scale", "count", "worker=0", "--app", app, "--yes"]);
    expect(workers(dir, app)).toEqual([]);
    expect(await queued()).toEqual([]);
    expect(await list("done")).toEqual([]);
  });
});
