/**
 * Runs flyctl with an argv array (never a shell) and turns a failure into an error that names the
 * call, its exit code and its output with every known secret removed.
 */
import { spawn } from "node:child_process";
import { redact } from "../lib/redact";
import { cancelled, KILL_GRACE_MS, track } from "./cancellation";

export interface FlyResult {
  stdout: string;
  stderr: string;
  code: number;
  /** Set when the call ran past its time limit and was stopped. */
  timedOutAfter?: number;
}

export interface CallOptions {
  stdin?: string;
  /** Seconds before the call is stopped. @default the step's limit (chatwoot:flyctlTimeoutSeconds) */
  timeoutSeconds?: number;
}

export class StepError extends Error {}

/**
 * Whether a failed call says the app does not exist: the Machines API answers "app not found"
 * (flaps), the GraphQL API "Could not find App" (flyctl's own check, internal/command/machine/run.go).
 */
export function appMissing(result: FlyResult): boolean {
  return /app not found|Could not find App/.test(result.stderr + result.stdout);
}

export interface Flyctl {
  /** Runs a call; resolves with its result whatever its exit code. */
  run(args: string[], options?: CallOptions): Promise<FlyResult>;
  /** Runs a call and rejects unless it exits 0. */
  ok(args: string[], options?: CallOptions): Promise<FlyResult>;
  /** Parses a call's stdout as JSON. */
  json<T>(args: string[]): Promise<T>;
  /** Parses a call's stdout as JSON; undefined when the call failed because the app does not exist. */
  jsonOfApp<T>(args: string[]): Promise<T | undefined>;
  /** The error for a failed call: the call, its exit code and its redacted output. */
  failure(args: string[], result: FlyResult): StepError;
}

export function flyctl(executable: string, secrets: readonly string[], timeoutSeconds: number): Flyctl {
  // argv never carries a secret (docs/flyctl-contract.md); redacted all the same, as the output is.
  const call = (args: string[]) => `\`${redact(`flyctl ${args.join(" ")}`, secrets)}\``;
  const run = (args: string[], options: CallOptions = {}) =>
    new Promise<FlyResult>((resolve, reject) => {
      if (cancelled()) {
        reject(new StepError(`cancelled: ${call(args)} was not started`));
        return;
      }
      // The step's environment, FLY_API_TOKEN included, named rather than implied: a step run in-process
      // (tests/support/inProcessStep.ts) has its own process.env. stdio: pipes, spawn's default.
      const child = spawn(executable, args, { env: process.env });
      track(child);
      const limit = options.timeoutSeconds ?? timeoutSeconds;
      let timedOutAfter: number | undefined;
      let killer: NodeJS.Timeout | undefined;
      // A hung call must fail its step rather than hold `pulumi up` (and the stack lock) forever.
      const timer = setTimeout(() => {
        timedOutAfter = limit;
        child.kill("SIGTERM");
        killer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      }, limit * 1000);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (error: NodeJS.ErrnoException) =>
        reject(
          new StepError(
            error.code === "ENOENT"
              ? `flyctl executable "${executable}" not found: install flyctl or set chatwoot:flyctl`
              : `cannot run ${executable}: ${error.message}`,
          ),
        ),
      );
      child.on("close", (code) => {
        clearTimeout(timer);
        clearTimeout(killer);
        resolve({ stdout, stderr, code: code ?? 1, ...(timedOutAfter === undefined ? {} : { timedOutAfter }) });
      });
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.stdin ?? "");
    });
  const failure = (args: string[], result: FlyResult) => {
    if (result.timedOutAfter !== undefined)
      return new StepError(
        `${call(args)} did not finish within ${result.timedOutAfter}s and was stopped (chatwoot:flyctlTimeoutSeconds); nothing after it ran. Run pulumi up again once flyctl responds`,
      );
    const output = redact(result.stderr.trim() ? result.stderr : result.stdout, secrets)
      .trim()
      .slice(-2000);
    return new StepError(`${call(args)} exited ${result.code}: ${output || "(no output)"}`);
  };
  const ok = async (args: string[], options?: CallOptions) => {
    const result = await run(args, options);
    if (result.code !== 0) throw failure(args, result);
    return result;
  };
  const parse = <T>(args: string[], result: FlyResult) => {
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new StepError(`${call(args)} did not print JSON: ${redact(result.stdout.slice(0, 500), secrets)}`);
    }
  };
  const json = async <T>(args: string[]) => parse<T>(args, await ok(args));
  const jsonOfApp = async <T>(args: string[]) => {
    const result = await run(args);
    if (result.code !== 0 && appMissing(result)) return undefined;
    if (result.code !== 0) throw failure(args, result);
    return parse<T>(args, result);
  };
  return { run, ok, json, jsonOfApp, failure };
}
