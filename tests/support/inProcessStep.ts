/**
 * Runs a step in the test's own process, with the environment a Command would give it and its
 * output collected: what coverage and mutation testing can see (a step run as a child process is
 * invisible to both). steps/main.ts adds only the cancellation handlers and the exit code, which the
 * child-process tests cover.
 */
import { failureLine, runStep } from "../../steps/run";
import type { Collected } from "../../testing/local/spawnCollect";

type Write = typeof process.stdout.write;

/** Collects what `stream` is given until the returned function restores it. */
function capture(stream: NodeJS.WriteStream, into: (text: string) => void): () => void {
  const original = stream.write;
  stream.write = ((chunk: string | Uint8Array) => {
    into(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }) as Write;
  return () => {
    stream.write = original;
  };
}

let running = false;

/** One step at a time: the environment and the output streams are the process's own. */
export async function runStepInProcess(step: string, env: Record<string, string>): Promise<Collected> {
  if (running) throw new Error("runStepInProcess: a step is running in this process already");
  running = true;
  const started = Date.now();
  const savedEnv = process.env;
  let stdout = "";
  let stderr = "";
  const restoreOut = capture(process.stdout, (text) => (stdout += text));
  const restoreErr = capture(process.stderr, (text) => (stderr += text));
  process.env = { ...env };
  let code = 0;
  try {
    await runStep(step);
  } catch (error) {
    stderr += failureLine(error);
    code = 1;
  } finally {
    process.env = savedEnv;
    restoreOut();
    restoreErr();
    running = false;
  }
  return { code, stdout, stderr, seconds: (Date.now() - started) / 1000 };
}
