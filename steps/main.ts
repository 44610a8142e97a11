/**
 * Entry point of the scripts that the components' Commands run: `node ... steps/main.ts <step>`.
 * Inputs come from the environment (lib/stepContract.ts), never from the command line.
 */
import type { StepName } from "../lib/stepContract";
import { destroyApp, ensureApp } from "./app";
import { stopOnCancel } from "./cancellation";
import { StepError } from "./flyctl";
import { migrate } from "./migrate";
import { scale, scaleDown } from "./counts";
import { deploy } from "./rollout";
import { importSecrets } from "./secrets";

const STEPS: Record<StepName, () => Promise<void>> = {
  "ensure-app": ensureApp,
  "destroy-app": destroyApp,
  "import-secrets": importSecrets,
  migrate,
  "keep-result": async () => {
    process.stdout.write(process.env.PULUMI_COMMAND_STDOUT ?? "{}");
  },
  deploy,
  scale,
  "scale-down": scaleDown,
};

async function main(step: string | undefined): Promise<void> {
  const run = step !== undefined && Object.hasOwn(STEPS, step) ? STEPS[step as StepName] : undefined;
  if (!run) throw new StepError(`unknown step ${JSON.stringify(step)}; expected one of ${Object.keys(STEPS).join(", ")}`);
  await run();
}

stopOnCancel();
main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof StepError ? error.message : `unexpected failure: ${(error as Error).stack ?? String(error)}`;
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
});
