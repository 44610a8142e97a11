/**
 * Every step by name, and how a failure reads. steps/main.ts runs one as a process (what the
 * Commands do); the step tests run them in-process (tests/support/inProcessStep.ts) so that coverage and
 * mutation testing see them.
 */
import type { StepName } from "../lib/stepContract";
import { destroyApp, ensureApp, readApp } from "./app";
import { StepError } from "./flyctl";
import { migrate } from "./migrate";
import { readCounts, scale, scaleDown } from "./counts";
import { deploy, readRelease } from "./rollout";
import { importSecrets, readSecrets } from "./secrets";

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
  "read-counts": readCounts,
  "read-secrets": readSecrets,
  "read-app": readApp,
  "read-release": readRelease,
};

/** Runs the step named `step`; rejects with a StepError for a name that is not one. */
export async function runStep(step: string | undefined): Promise<void> {
  const run = step !== undefined && Object.hasOwn(STEPS, step) ? STEPS[step as StepName] : undefined;
  if (!run) throw new StepError(`unknown step ${JSON.stringify(step)}; expected one of ${Object.keys(STEPS).join(", ")}`);
  await run();
}

/**
 * The line a failed step prints on stderr. A StepError says what failed and the fix (already
 * redacted); anything else is a bug, so its stack goes with it.
 */
export function failureLine(error: unknown): string {
  const message = error instanceof StepError ? error.message : `unexpected failure: ${(error as Error).stack ?? String(error)}`;
  return `error: ${message}\n`;
}
