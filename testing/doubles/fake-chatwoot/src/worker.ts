/**
 * `bundle exec sidekiq -C config/sidekiq.yml`: checks the config file exists (relative to the cwd,
 * as Sidekiq does), holds SIDEKIQ_CONCURRENCY (default 10) database connections and idles; SIGTERM
 * or SIGINT closes them and exits 0.
 */
import * as fs from "node:fs";
import { dbSettings } from "./db";
import { ConnectionHolder } from "./holder";
import { error as logError, info, intEnv } from "./log";

export function runWorker(args: string[]): void {
  const i = args.findIndex((a) => a === "-C" || a === "--config");
  const configFile = i >= 0 ? args[i + 1] : undefined;
  if (configFile && !fs.existsSync(configFile)) {
    logError("worker", `No such file or directory @ rb_sysopen - ${configFile} (Errno::ENOENT)`);
    process.exit(1);
  }
  const concurrency = intEnv("SIDEKIQ_CONCURRENCY", 10);
  const machine = process.env.FLY_MACHINE_ID ?? "local";
  const holder = new ConnectionHolder(dbSettings(), concurrency, `chatwoot-worker-${machine}`, "worker");
  info("worker", `Booted Sidekiq with concurrency ${concurrency}`);
  holder.start();
  // Keep the event loop alive even while every slot waits to retry.
  const idle = setInterval(() => undefined, 60_000);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    info("worker", `Shutting down (${sig})`);
    clearInterval(idle);
    setTimeout(() => process.exit(0), 3000).unref();
    void holder.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
