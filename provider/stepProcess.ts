/**
 * Runs a step of steps/ as its own process, as the Commands do: the inputs in its environment (never
 * argv), its progress on stderr, its result as the last line of stdout (lib/stepContract.ts). The
 * steps redact every credential they hold from what they print, so their output can be shown as it is.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { isAppMissing, stepArgv, type AppMissing, type StepName } from "../lib/stepContract";

/** The project's root (the plugin runs this file from provider/): the steps' command line is relative to it. */
const ROOT = join(__dirname, "..");

/** The steps running now, for cancelStepProcesses. */
const running = new Set<ChildProcess>();

/**
 * Stops every running step (the engine's Cancel, on Ctrl-C): SIGTERM, on which a step stops its flyctl
 * call and exits (steps/cancellation.ts), failing its resource's operation. Resolves once all exited.
 */
export async function cancelStepProcesses(): Promise<void> {
  const exits = [...running].map((child) => new Promise<void>((resolve) => child.once("close", () => resolve())));
  for (const child of running) child.kill("SIGTERM");
  await Promise.all(exits);
}

/** Runs a read step (changes nothing on Fly); undefined when it found the app gone (deleted by hand). */
export async function readOnFly<T>(step: StepName, env: Record<string, string>, progress: (line: string) => void): Promise<T | undefined> {
  const observed = await runStepProcess<T | AppMissing>(step, env, progress);
  return isAppMissing(observed) ? undefined : observed;
}

/** A step that exited non-zero: its own `error: ...` line says what failed and the fix. */
export class StepFailed extends Error {}

/**
 * Runs `step` with `env` added to the provider's environment; `progress` gets each stderr line as it
 * comes. Resolves with the step's JSON result.
 */
export function runStepProcess<T>(step: StepName, env: Record<string, string>, progress: (line: string) => void): Promise<T> {
  const [command, ...args] = stepArgv(step);
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) progress(line);
  });
  return new Promise<T>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      running.delete(child);
      if (partial) progress(partial);
      if (code !== 0) {
        const reason = stderr.trim() || `exited ${code ?? signal}`;
        reject(new StepFailed(`step ${step} failed: ${reason}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split("\n").pop() || "null") as T);
    });
  });
}
