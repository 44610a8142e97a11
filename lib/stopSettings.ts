/**
 * How Fly stops web and worker machines (deploys, restarts, scale down): the signal and how long Fly
 * waits before it kills the machine.
 *
 * flyctl's fly.toml has `kill_signal` and `kill_timeout` at the top level only
 * (superfly/flyctl internal/appconfig/config.go `KillSignal`, `KillTimeout`); the fields of the same
 * name in service.go belong to `[[http_service.machine_checks]]`, whose check machines they stop.
 * internal/appconfig/machines.go (`tomachineSetStopConfig`) copies the top-level pair into the
 * StopConfig of every process group's machines, so one value serves web and worker: the larger of
 * the two needs.
 */
import { configKey, type ConfigIssue } from "./config/issues";
import type { PlainConfig } from "./config/schema";

/**
 * Both Puma and Sidekiq stop gracefully on SIGTERM: Sidekiq stops fetching, waits up to its shutdown
 * timeout and pushes unfinished jobs back to Redis (sidekiq/sidekiq wiki "Signals": TERM); Puma
 * finishes its in-flight requests (puma/puma docs/signals.md: TERM). Fly's default is SIGINT
 * (fly.io/blog/graceful-vm-exits-some-dials), which both also take, but TERM is what their docs name.
 */
export const KILL_SIGNAL = "SIGTERM";

/**
 * Seconds a stopping Puma may take: Puma's `worker_shutdown_timeout` default (30 s, puma/puma
 * lib/puma/configuration.rb DEFAULTS); Chatwoot's config/puma.rb (v4.14.0) does not change it.
 */
export const PUMA_SHUTDOWN_SECONDS = 30;

/**
 * Sidekiq's shutdown timeout when the config does not set one: 25 s, Sidekiq's own default since 6.0
 * (sidekiq/sidekiq#3968) and `:timeout: 25` in Chatwoot's config/sidekiq.yml (quoted in
 * chatwoot/chatwoot#15886). Later Chatwoot revisions read SIDEKIQ_SHUTDOWN_TIMEOUT (default 120) in
 * that file; the stack passes the value both as that variable and as `sidekiq -t`, which wins over
 * the file (Sidekiq's CLI merges its options over the config file's), so the image's file does not
 * matter.
 */
export const DEFAULT_SIDEKIQ_SHUTDOWN_SECONDS = 25;

/**
 * Seconds after Sidekiq's timeout to push the unfinished jobs back to Redis and exit: "the other 5
 * seconds is used to push lingering jobs back to Redis" (Sidekiq's author, sidekiq/sidekiq#3968).
 */
export const SIDEKIQ_REQUEUE_MARGIN_SECONDS = 5;

/**
 * Fly's bounds on kill_timeout: at least 1 s; shared-CPU machines at most 5 minutes, performance-CPU
 * machines at most 24 hours (fly.io/blog/graceful-vm-exits-some-dials and
 * community.fly.io/t/new-feature-graceful-vm-shutdown-options/504).
 */
export const FLY_KILL_TIMEOUT_LIMITS = { minSeconds: 1, sharedMaxSeconds: 300, performanceMaxSeconds: 86_400 } as const;

export interface StopSettings {
  signal: string;
  /** kill_timeout of the app: the largest need of its groups. */
  timeoutSeconds: number;
  /** What each group needs on its own (for messages and tests). */
  needs: { web: number; worker: number };
}

export function stopSettings(config: Pick<PlainConfig, "rails">): StopSettings {
  const worker = config.rails.sidekiqShutdownTimeout + SIDEKIQ_REQUEUE_MARGIN_SECONDS;
  const web = PUMA_SHUTDOWN_SECONDS;
  return { signal: KILL_SIGNAL, timeoutSeconds: Math.max(web, worker), needs: { web, worker } };
}

/** The most Fly allows for the app's machines: the smallest bound among its groups' CPU kinds. */
export function killTimeoutLimit(config: Pick<PlainConfig, "processes">): number {
  const shared = Object.values(config.processes).some((g) => g.cpuKind === "shared");
  return shared ? FLY_KILL_TIMEOUT_LIMITS.sharedMaxSeconds : FLY_KILL_TIMEOUT_LIMITS.performanceMaxSeconds;
}

/** A kill_timeout that Fly would refuse fails config validation, naming the key that sets it. */
export function stopSettingsIssues(config: Pick<PlainConfig, "rails" | "processes">): ConfigIssue[] {
  const { timeoutSeconds } = stopSettings(config);
  const limit = killTimeoutLimit(config);
  if (timeoutSeconds <= limit) return [];
  const key = configKey(["rails", "sidekiqShutdownTimeout"]);
  return [
    {
      key,
      message: `Sidekiq's shutdown timeout plus ${SIDEKIQ_REQUEUE_MARGIN_SECONDS} s to requeue gives kill_timeout ${timeoutSeconds} s, above Fly's limit of ${limit} s for shared-CPU machines`,
      found: String(config.rails.sidekiqShutdownTimeout),
      fix: `pulumi config set --path '${key}' ${limit - SIDEKIQ_REQUEUE_MARGIN_SECONDS} (or less), or move web and worker to performance CPUs (processes.<group>.cpuKind performance allows up to ${FLY_KILL_TIMEOUT_LIMITS.performanceMaxSeconds} s)`,
    },
  ];
}
