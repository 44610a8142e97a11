/**
 * Entry point of the scripts that the components' Commands run: `node ... steps/main.ts <step>`.
 * Inputs come from the environment (lib/stepContract.ts), never from the command line.
 */
import { stopOnCancel } from "./cancellation";
import { failureLine, runStep } from "./run";

stopOnCancel();
runStep(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(failureLine(error));
  process.exitCode = 1;
});
