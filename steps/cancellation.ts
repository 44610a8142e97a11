/**
 * A cancelled `pulumi up` must stop what its steps started. The command provider runs a step as
 * `/bin/sh -c "node ... steps/main.ts <step>"` and on cancel kills that shell alone
 * (pulumi-command provider/pkg/provider/local/commandOutputs.go: exec.CommandContext), and Debian's
 * /bin/sh (dash) does not exec the command: node and its flyctl would run on, re-parented. When the
 * runner dies instead, the plugin goes but the shell (in the plugin's own process group) stays, and
 * the step would carry on, making changes nobody sees, while a recovery `pulumi up` starts beside it.
 * So a step stops its flyctl calls and exits when it is signalled (SIGINT, SIGTERM, SIGHUP), when its
 * parent is gone, or when its parent's parent (the command plugin) is.
 */
import { spawnSync, type ChildProcess } from "node:child_process";

/** Grace between SIGTERM and SIGKILL of a flyctl call that is being stopped. */
export const KILL_GRACE_MS = 5000;
/** How often a step looks whether its parent is still there. */
const PARENT_POLL_MS = 500;

const running = new Set<ChildProcess>();
let stopping = false;

/**
 * Whether the step is being cancelled: then it starts no further flyctl call (not even its cleanup;
 * the next `pulumi up` removes what it left, as after a killed runner).
 */
export function cancelled(): boolean {
  return stopping;
}

/** Registers a flyctl call, so that a cancelled step stops it before it exits. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once("close", () => running.delete(child));
}

function say(line: string): void {
  // The provider may have closed the pipe already (parent gone): then nobody reads this.
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // Nothing to tell it to.
  }
}

/**
 * Stops every call in flight (SIGTERM, SIGKILL after `graceMs`), then exits with `code`. Only the
 * first call counts. `exit` is the process's own but in the tests, which run this in their process.
 */
export function stop(why: string, code: number, exit: (code: number) => void = (c) => process.exit(c), graceMs = KILL_GRACE_MS): void {
  if (stopping) return;
  stopping = true;
  say(`cancelled (${why}): stopping ${running.size} flyctl call(s)`);
  for (const child of running) child.kill("SIGTERM");
  const deadline = setTimeout(() => {
    for (const child of running) child.kill("SIGKILL");
    exit(code);
  }, graceMs);
  const poll = setInterval(() => {
    if (running.size > 0) return;
    clearInterval(poll);
    clearTimeout(deadline);
    exit(code);
  }, 50);
}

/**
 * Why a step whose parent was `parent` and grandparent `grandparent` must stop now, or undefined while
 * both are there: its parent changed (re-parented, the runner's shell is gone) or the command plugin
 * above it is gone.
 */
export function orphaned(parent: number, grandparent: number | undefined, ppid = process.ppid): string | undefined {
  if (ppid !== parent) return "the step's parent is gone";
  if (grandparent !== undefined && !alive(grandparent)) return "the command plugin that ran the step is gone";
  return undefined;
}

/** Installs the signal handlers and the parent watch; called once, first thing in a step. */
export function stopOnCancel(): void {
  process.stderr.on("error", () => undefined);
  const signals: Array<[NodeJS.Signals, number]> = [
    ["SIGHUP", 1],
    ["SIGINT", 2],
    ["SIGTERM", 15],
  ];
  for (const [signal, number] of signals) process.on(signal, () => stop(signal, 128 + number));
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  setInterval(() => {
    const why = orphaned(parent, grandparent);
    if (why) stop(why, 1);
  }, PARENT_POLL_MS).unref();
}

/** The parent of a process (`ps`, so that it works beyond Linux), or undefined when unknown. */
export function parentOf(pid: number): number | undefined {
  const ps = spawnSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" });
  // No such process prints nothing, a missing ps gives no output: 0 or NaN, neither of them a parent.
  const ppid = Number(ps.stdout);
  // Stryker disable next-line EqualityOperator: init (pid 1) never goes away, so watching it or not is the same
  return ppid > 1 ? ppid : undefined;
}

/** Whether a process exists (one owned by another user counts: EPERM). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
