/** Graceful stops: kill_signal and kill_timeout in the generated fly.toml, and Fly's limit on them. */
import { parse } from "smol-toml";
import { validatePlain } from "../../lib/config/validate";
import {
  FLY_KILL_TIMEOUT_LIMITS,
  KILL_SIGNAL,
  PUMA_SHUTDOWN_SECONDS,
  SIDEKIQ_REQUEUE_MARGIN_SECONDS,
  stopSettings,
} from "../../lib/stopSettings";
import { planOf, stagingWith } from "../support/configs";

interface Toml {
  kill_signal: string;
  kill_timeout: string;
  env: Record<string, string>;
  processes: Record<string, string>;
}

const tomlOf = (patch: Record<string, unknown>) => parse(planOf(stagingWith(patch)).flyToml) as unknown as Toml;

describe("graceful stops", () => {
  it("renders SIGTERM and a kill_timeout covering Puma's 30 s and Sidekiq's 25 s + 5 s by default", () => {
    const toml = tomlOf({});
    expect(toml.kill_signal).toBe(KILL_SIGNAL);
    expect(KILL_SIGNAL).toBe("SIGTERM");
    expect(toml.kill_timeout).toBe("30s");
    expect(toml.env.SIDEKIQ_SHUTDOWN_TIMEOUT).toBe("25");
  });

  it("gives the worker its shutdown timeout plus the requeue margin when that is the larger need", () => {
    const toml = tomlOf({ rails: { sidekiqShutdownTimeout: 120 } });
    expect(toml.kill_timeout).toBe(`${120 + SIDEKIQ_REQUEUE_MARGIN_SECONDS}s`);
    expect(toml.env.SIDEKIQ_SHUTDOWN_TIMEOUT).toBe("120");
  });

  it("passes the timeout to sidekiq as -t, so the image's config/sidekiq.yml cannot disagree with kill_timeout", () => {
    expect(tomlOf({}).processes.worker).toContain("bundle exec sidekiq -C config/sidekiq.yml -t $SIDEKIQ_SHUTDOWN_TIMEOUT");
  });

  it("never goes below either group's need", () => {
    for (const t of [1, 10, 24, 25, 26, 60, 295]) {
      const s = stopSettings({ rails: { sidekiqShutdownTimeout: t } } as Parameters<typeof stopSettings>[0]);
      expect(s.timeoutSeconds).toBeGreaterThanOrEqual(PUMA_SHUTDOWN_SECONDS);
      expect(s.timeoutSeconds).toBeGreaterThanOrEqual(t + SIDEKIQ_REQUEUE_MARGIN_SECONDS);
      expect(s.timeoutSeconds).toBe(Math.max(s.needs.web, s.needs.worker));
    }
  });

  it("accepts the largest timeout Fly allows on shared CPUs and refuses one more", () => {
    const max = FLY_KILL_TIMEOUT_LIMITS.sharedMaxSeconds - SIDEKIQ_REQUEUE_MARGIN_SECONDS;
    expect(tomlOf({ rails: { sidekiqShutdownTimeout: max } }).kill_timeout).toBe("300s");
    const over = validatePlain(stagingWith({ rails: { sidekiqShutdownTimeout: max + 1 } }));
    expect(over.config).toBeUndefined();
    expect(over.issues).toEqual([
      expect.objectContaining({
        key: "chatwoot:rails.sidekiqShutdownTimeout",
        found: String(max + 1),
        fix: expect.stringContaining(String(max)),
      }),
    ]);
  });

  it("allows up to 24 hours when every group runs on performance CPUs", () => {
    const perf = { cpuKind: "performance", cpus: 1, memoryMb: 2048 };
    const raw = stagingWith({ processes: { web: perf, worker: perf }, rails: { sidekiqShutdownTimeout: 3600 } });
    expect(validatePlain(raw).issues).toEqual([]);
    expect((parse(planOf(raw).flyToml) as unknown as Toml).kill_timeout).toBe("3605s");
    const oneShared = stagingWith({ processes: { web: perf }, rails: { sidekiqShutdownTimeout: 3600 } });
    expect(validatePlain(oneShared).issues.map((i) => i.key)).toEqual(["chatwoot:rails.sidekiqShutdownTimeout"]);
  });
});
