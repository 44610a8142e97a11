/** Runs a program with an argv array and collects its output: the one way tests and tools do it. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface Collected {
  /** Exit code; 128 + n when a signal ended it (as a shell reports it). */
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface Started {
  child: ChildProcess;
  done: Promise<Collected>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export interface CollectOptions extends Pick<SpawnOptions, "cwd" | "env" | "detached"> {
  /** Written to stdin, which is then closed. @default nothing */
  stdin?: string;
  /** Killed (SIGKILL) after this long. @default no limit */
  timeoutMs?: number;
}

export function spawnCollect(command: string, args: string[], options: CollectOptions = {}): Started {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: options.detached, stdio: "pipe" });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const done = new Promise<Collected>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const exit = code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0);
      resolve({ code: exit, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
  child.stdin!.on("error", () => undefined); // the program may exit without reading stdin
  child.stdin!.end(options.stdin ?? "");
  return { child, done };
}
