/**
 * What the tests, the bench and `npm run local` use to stand in for Fly.io: REAL flyctl
 * (CHATWOOT_REAL_FLYCTL, built by toolchain/build.sh) against this fake Fly API, through bin/flyctl,
 * which records each call. When no real flyctl is there, the fake-flyctl double, said loudly.
 */
import { accessSync, constants } from "node:fs";
import * as path from "node:path";
import { FakeFlyApi } from "./server";

/** bin/flyctl: runs the real flyctl against the server of FAKE_FLY_STATE_DIR and records the call. */
export const FLYCTL_RECORDER = path.resolve(__dirname, "..", "bin", "flyctl");
/** The fallback: the fake-flyctl double. */
export const FAKE_FLYCTL = path.resolve(__dirname, "..", "..", "fake-flyctl", "bin", "flyctl");

export type FlyKind = "real flyctl" | "fake-flyctl";

/** The real flyctl to drive, or why there is none. */
export function realFlyctl(): { path: string } | { reason: string } {
  const candidate = process.env.CHATWOOT_REAL_FLYCTL;
  if (!candidate) return { reason: "CHATWOOT_REAL_FLYCTL is not set (source toolchain/env.sh after toolchain/build.sh)" };
  try {
    accessSync(candidate, constants.X_OK);
    return { path: candidate };
  } catch {
    return { reason: `CHATWOOT_REAL_FLYCTL=${candidate} is not an executable file` };
  }
}

let warned = false;
/** The reason when a caller picks the double itself: no fallback, nothing to warn about. */
const CHOSEN = "the fake-flyctl double, chosen by the test";

/** Says once per process, on stderr, that the double stands in for real flyctl, and why. */
function warnFallback(reason: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(
    `\n*** FALLBACK: real flyctl is not available (${reason}); Fly.io is stood in for by the fake-flyctl double (testing/doubles/fake-flyctl), which follows our reading of flyctl, not flyctl itself ***\n\n`,
  );
}

/** One "Fly.io" for a test or a run: state in `stateDir`, reached through `flyctl`. */
export class FlyDouble {
  readonly kind: FlyKind;
  /** The executable to name as flyctl (chatwoot:flyctl, the steps' flyctl). */
  readonly flyctl: string;
  private api?: FakeFlyApi;
  private readonly real: ReturnType<typeof realFlyctl>;

  /** `prefer` "fake-flyctl": this caller drives the double on purpose (it says why), not as a fallback. */
  constructor(
    readonly stateDir: string,
    private readonly orgs: string[] = [],
    prefer?: "fake-flyctl",
  ) {
    this.real =
      prefer === "fake-flyctl"
        ? { reason: CHOSEN }
        : process.env.CHATWOOT_FLY_DOUBLE === "fake-flyctl"
          ? { reason: "CHATWOOT_FLY_DOUBLE=fake-flyctl" }
          : realFlyctl();
    this.kind = "path" in this.real ? "real flyctl" : "fake-flyctl";
    this.flyctl = "path" in this.real ? FLYCTL_RECORDER : FAKE_FLYCTL;
  }

  /** Starts the fake Fly API (real flyctl) or warns that the double stands in. Idempotent. */
  async start(): Promise<this> {
    if ("reason" in this.real) {
      if (this.real.reason !== CHOSEN) warnFallback(this.real.reason);
      return this;
    }
    this.api ??= await new FakeFlyApi(this.stateDir, { flyctl: this.real.path, orgs: this.orgs }).start();
    return this;
  }

  async stop(): Promise<void> {
    await this.api?.stop();
    this.api = undefined;
  }

  /** What the flyctl named by `flyctl` needs in its environment besides FLY_API_TOKEN. */
  env(): Record<string, string> {
    return { FAKE_FLY_STATE_DIR: this.stateDir };
  }

  /** One line for a run's header: what stands in for Fly.io. */
  describe(): string {
    return "path" in this.real
      ? `real flyctl (${this.real.path}) against the fake Fly API (testing/doubles/fake-fly-api)`
      : `FALLBACK fake-flyctl double (${this.real.reason})`;
  }
}
