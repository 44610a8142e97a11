/**
 * `bundle exec sidekiq -C config/sidekiq.yml [-t SECONDS]`: checks the config file exists (relative to
 * the cwd, as Sidekiq does), holds SIDEKIQ_CONCURRENCY (default 10) database connections and runs jobs
 * from Redis the way Sidekiq's BasicFetch does (sidekiq/sidekiq lib/sidekiq/fetch.rb, launcher.rb,
 * manager.rb):
 * - fetch: `BRPOP queue:<q>... 2` over the `:queues:` of the config file, in order, while fewer than
 *   SIDEKIQ_CONCURRENCY jobs run; a fetched job lives only in the process (OSS Sidekiq removes it
 *   from Redis when it fetches it);
 * - SIGTERM or SIGINT: stop fetching, wait up to the shutdown timeout (`-t`, else
 *   SIDEKIQ_SHUTDOWN_TIMEOUT, else 25) for running jobs, push the unfinished ones back with
 *   `RPUSH queue:<q> <payload>` ("Pushed N jobs back to Redis"), exit 0. A SIGKILL before that
 *   loses them, as on a real machine.
 * Jobs the stand-in knows: `FakeChatwoot::SleepJob` with args [milliseconds, gate?]: records
 * `{jid, machine, instance}` in the list `fake-chatwoot:started`, sleeps (ending early once the key
 * `fake-chatwoot:gate:<gate>` exists), then records it in
 * `fake-chatwoot:done`. Any other class is logged and recorded in `fake-chatwoot:failed`.
 */
import * as fs from "node:fs";
import { dbSettings } from "./db";
import { ConnectionHolder } from "./holder";
import { error as logError, info, intEnv } from "./log";
import { RedisConnection } from "./resp";

const FETCH_TIMEOUT_SECONDS = 2;
const RETRY_MS = 2000;

interface Job {
  class: string;
  args: unknown[];
  jid: string;
  queue: string;
}

/** The `:queues:` list of a Sidekiq config file (plain names or `[name, weight]`). */
export function queuesOf(configText: string): string[] {
  const lines = configText.split("\n");
  const start = lines.findIndex((l) => /^:queues:\s*$/.test(l));
  if (start < 0) return ["default"];
  const queues: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s+-\s+\[?\s*([A-Za-z0-9_]+)/.exec(line);
    if (!m) break;
    queues.push(m[1]);
  }
  return queues.length ? queues : ["default"];
}

function argValue(args: string[], short: string, long: string): string | undefined {
  const i = args.findIndex((a) => a === short || a === long);
  return i >= 0 ? args[i + 1] : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function runWorker(args: string[]): void {
  const configFile = argValue(args, "-C", "--config");
  if (configFile && !fs.existsSync(configFile)) {
    logError("worker", `No such file or directory @ rb_sysopen - ${configFile} (Errno::ENOENT)`);
    process.exit(1);
  }
  const queues = configFile ? queuesOf(fs.readFileSync(configFile, "utf8")) : ["default"];
  const timeoutText = argValue(args, "-t", "--timeout");
  const shutdownTimeout = timeoutText !== undefined && timeoutText !== "" ? Number(timeoutText) : intEnv("SIDEKIQ_SHUTDOWN_TIMEOUT", 25);
  const concurrency = intEnv("SIDEKIQ_CONCURRENCY", 10);
  const machine = process.env.FLY_MACHINE_ID ?? "local";
  // Changes with every start of the machine (flyd's instance id): tells the old process from the new.
  const instance = process.env.FLY_MACHINE_VERSION ?? String(process.pid);
  const holder = new ConnectionHolder(dbSettings(), concurrency, `chatwoot-worker-${machine}`, "worker");
  info("worker", `Booted Sidekiq with concurrency ${concurrency}, shutdown timeout ${shutdownTimeout}s, queues ${queues.join(",")}`);
  holder.start();

  const running = new Map<string, { job: Job; payload: string }>();
  let quiet = false;
  let fetcher: RedisConnection | null = null;
  let pusher: RedisConnection | null = null;
  const redis = () => RedisConnection.open(process.env.REDIS_URL, process.env.REDIS_PASSWORD);

  const record = async (list: string, job: Job) => {
    await pusher?.ok(["RPUSH", `fake-chatwoot:${list}`, JSON.stringify({ jid: job.jid, machine, instance })]);
  };

  const perform = async (job: Job, payload: string) => {
    running.set(job.jid, { job, payload });
    try {
      if (job.class !== "FakeChatwoot::SleepJob") {
        logError("worker", `${job.class} JID-${job.jid}: uninitialized constant ${job.class} (NameError)`);
        await record("failed", job);
        return;
      }
      info("worker", `${job.class} JID-${job.jid}: start`);
      await record("started", job);
      // Sleeps args[0] ms, or less when args[1] names a gate and the key fake-chatwoot:gate:<name> appears.
      const until = Date.now() + Number(job.args[0] ?? 0);
      const gate = typeof job.args[1] === "string" ? `fake-chatwoot:gate:${job.args[1]}` : undefined;
      while (Date.now() < until && running.has(job.jid)) {
        if (gate && (await pusher?.ok(["EXISTS", gate])) === 1) break;
        await sleep(Math.min(100, until - Date.now()));
      }
      if (quiet && !running.has(job.jid)) return; // pushed back already: the process is exiting
      await record("done", job);
      info("worker", `${job.class} JID-${job.jid}: done`);
    } finally {
      running.delete(job.jid);
    }
  };

  const fetchLoop = async () => {
    while (!quiet) {
      try {
        fetcher ??= await redis();
        pusher ??= await redis();
        if (running.size >= concurrency) {
          await sleep(50);
          continue;
        }
        const reply = await fetcher.ok(["BRPOP", ...queues.map((q) => `queue:${q}`), String(FETCH_TIMEOUT_SECONDS)]);
        if (!Array.isArray(reply)) continue;
        const [key, payload] = reply as [string, string];
        if (quiet) {
          // Fetched while stopping: straight back, as Sidekiq's processors do with work they will not run.
          await pusher.ok(["RPUSH", key, payload]);
          break;
        }
        const job = { ...(JSON.parse(payload) as Job), queue: key.replace(/^queue:/, "") };
        void perform(job, payload).catch((e: Error) => logError("worker", `JID-${job.jid}: ${e.message}`));
      } catch (e) {
        if (quiet) break;
        logError("worker", `Redis: ${(e as Error).message} (retrying every ${RETRY_MS / 1000}s)`);
        fetcher?.close();
        pusher?.close();
        fetcher = pusher = null;
        await sleep(RETRY_MS);
      }
    }
  };
  void fetchLoop();

  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    quiet = true;
    info("worker", `Shutting down (${sig}); pausing up to ${shutdownTimeout}s to allow jobs to finish...`);
    const deadline = Date.now() + shutdownTimeout * 1000;
    while (running.size > 0 && Date.now() < deadline) await sleep(50);
    const unfinished = [...running.values()];
    running.clear();
    if (unfinished.length) {
      pusher ??= await redis().catch(() => null);
      for (const { job, payload } of unfinished) await pusher?.ok(["RPUSH", `queue:${job.queue}`, payload]);
      info("worker", `Pushed ${unfinished.length} jobs back to Redis`);
    }
    fetcher?.close();
    pusher?.close();
    await holder.close();
    info("worker", "Bye!");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
