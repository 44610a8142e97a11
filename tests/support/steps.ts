/** Runs the step scripts (steps/main.ts) the way the Commands do, against the flyctl stand-in. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "../../lib/stepContract";
import { readCalls, type CallRecord } from "../../testing/doubles/fake-flyctl/src/calllog";
import { readState, type State } from "../../testing/doubles/fake-flyctl/src/store";
import { spawnCollect, type Collected } from "../../testing/local/spawnCollect";
import { REPO } from "./configs";

export const FAKE_FLYCTL = join(REPO, "testing/doubles/fake-flyctl/bin/flyctl");

export type StepRun = Collected;

export class FakeFly {
  readonly dir = mkdtempSync(join(tmpdir(), "fake-fly-"));

  constructor(readonly token = "FlyV1 fm2_steps-test-token-0123456789") {}

  /** Runs one step with the env a Command would give it. */
  step(step: string, env: Record<string, string>): Promise<StepRun> {
    return spawnCollect("node", ["-r", "ts-node/register/transpile-only", "steps/main.ts", step], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        FAKE_FLY_STATE_DIR: this.dir,
        [ENV.flyctl]: FAKE_FLYCTL,
        [ENV.flyctlTimeout]: "120",
        [ENV.flyToken]: this.token,
        ...env,
      },
    }).done;
  }

  /** Runs the stand-in flyctl directly (for setup and inspection). */
  fly(args: string[]): Promise<StepRun> {
    return spawnCollect(FAKE_FLYCTL, args, { env: { ...process.env, FAKE_FLY_STATE_DIR: this.dir, FLY_API_TOKEN: this.token } }).done;
  }

  state(): State {
    return readState(this.dir);
  }

  seed(state: object): void {
    writeFileSync(join(this.dir, "state.json"), JSON.stringify(state));
  }

  faults(faults: object[]): void {
    writeFileSync(join(this.dir, "faults.json"), JSON.stringify(faults));
  }

  calls(): CallRecord[] {
    return readCalls(this.dir);
  }

  /** Destroys every app (and so every machine process) and removes the state. */
  async cleanup(): Promise<void> {
    for (const app of Object.keys(this.state().apps)) await this.fly(["apps", "destroy", app, "--yes"]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The JSON result line a step printed. */
export const resultOf = <T>(run: StepRun): T => JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as T;
