/**
 * Runs the step scripts against real flyctl and the fake Fly API (testing/doubles/fake-fly-api), or the
 * fake-flyctl double when real flyctl is missing (said loudly): in this process (`step`, which coverage
 * and mutation testing see) or as the Commands do, a child process of steps/main.ts (`startStep`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "../../lib/stepContract";
import { FlyDouble } from "../../testing/doubles/fake-fly-api/src/harness";
import { readCalls, type CallRecord } from "../../testing/doubles/fake-flyctl/src/calllog";
import { readState, type State } from "../../testing/doubles/fake-flyctl/src/store";
import { spawnCollect, type Collected, type Started } from "../../testing/local/spawnCollect";
import { REPO } from "./configs";
import { runStepInProcess } from "./inProcessStep";

export type StepRun = Collected;

export class FakeFly {
  readonly dir = mkdtempSync(join(tmpdir(), "fake-fly-"));
  /** Fly.io for these tests: real flyctl against the fake API, or the fallback double. */
  readonly double = new FlyDouble(this.dir, ["hotdash"]);

  constructor(readonly token = "FlyV1 fm2_steps-test-token-0123456789") {}

  /** Runs one step in this process, with the env a Command would give it. */
  async step(step: string, env: Record<string, string>): Promise<StepRun> {
    await this.double.start();
    return runStepInProcess(step, this.stepEnv(env));
  }

  /** Starts one step as a child process of steps/main.ts, as a Command does (to signal it while it runs). */
  async startStep(step: string, env: Record<string, string>): Promise<Started> {
    await this.double.start();
    return spawnCollect("node", ["-r", "ts-node/register/transpile-only", "steps/main.ts", step], {
      cwd: REPO,
      env: this.stepEnv(env),
    });
  }

  private stepEnv(env: Record<string, string>): Record<string, string> {
    return {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...this.double.env(),
      [ENV.flyctl]: this.double.flyctl,
      [ENV.flyctlTimeout]: "120",
      [ENV.flyToken]: this.token,
      ...env,
    };
  }

  /** Runs flyctl directly (for setup and inspection), through the same double. */
  async fly(args: string[], stdin?: string): Promise<StepRun> {
    await this.double.start();
    return spawnCollect(this.double.flyctl, args, {
      env: { ...process.env, ...this.double.env(), FLY_API_TOKEN: this.token },
      ...(stdin === undefined ? {} : { stdin }),
    }).done;
  }

  /** Runs flyctl and fails the test unless the call exits 0: set-up that does not go through a step. */
  async flyOk(args: string[], stdin?: string): Promise<StepRun> {
    const run = await this.fly(args, stdin);
    if (run.code !== 0) throw new Error(`flyctl ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
    return run;
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
    await this.double.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The JSON result line a step printed. */
export const resultOf = <T>(run: StepRun): T => JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as T;
