/**
 * steps/cancellation.ts in this process, with real child processes standing for flyctl calls: a
 * cancelled step stops its calls (SIGTERM, then SIGKILL after the grace) before it exits, starts no
 * new one, and notices when its parents are gone. The child-process test in
 * tests/integration/steps.test.ts covers the signal handlers that steps/main.ts installs.
 */
import { spawn, type ChildProcess } from "node:child_process";

type Cancellation = typeof import("../../steps/cancellation");

/** A fresh copy of the module: a stop is once per process, so once per test here. */
function fresh(): Cancellation {
  let module: Cancellation | undefined;
  jest.isolateModules(() => {
    module = jest.requireActual<Cancellation>("../../steps/cancellation");
  });
  return module!;
}

/** How a child ended: its signal, once it has closed. */
const ended = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => child.once("close", (_code, signal) => resolve(signal)));

/** Resolves with the exit code that `stop` passes to its exit, and when. */
function exitSpy(): { exit: (code: number) => void; exited: Promise<{ code: number; at: number }> } {
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<{ code: number; at: number }>((resolve) => (exit = (code) => resolve({ code, at: Date.now() })));
  return { exit, exited };
}

let said: string[] = [];
let stderr: jest.SpyInstance;
beforeEach(() => {
  said = [];
  stderr = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    said.push(String(chunk));
    return true;
  });
});
afterEach(() => stderr.mockRestore());

describe("a cancelled step", () => {
  it("stops its calls with SIGTERM, says how many, then exits with the code once they closed", async () => {
    const c = fresh();
    const calls = [spawn("sleep", ["30"]), spawn("sleep", ["30"])];
    calls.forEach(c.track);
    const { exit, exited } = exitSpy();
    expect(c.cancelled()).toBe(false);
    c.stop("SIGTERM", 143, exit, 10_000);
    expect(c.cancelled()).toBe(true);
    expect(await Promise.all(calls.map(ended))).toEqual(["SIGTERM", "SIGTERM"]);
    expect((await exited).code).toBe(143);
    expect(said).toEqual(["cancelled (SIGTERM): stopping 2 flyctl call(s)\n"]);
  });

  it("kills a call that ignores SIGTERM once the grace is over, and exits then", async () => {
    const c = fresh();
    const stubborn = spawn("sh", ["-c", 'trap "" TERM; exec sleep 30']);
    c.track(stubborn);
    // Give sh the time to install its trap before the signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { exit, exited } = exitSpy();
    const started = Date.now();
    c.stop("the step's parent is gone", 1, exit, 500);
    expect(await ended(stubborn)).toBe("SIGKILL");
    const { code, at } = await exited;
    expect(code).toBe(1);
    expect(at - started).toBeGreaterThanOrEqual(500);
  });

  it("exits at once with no call in flight, and a second stop does nothing", async () => {
    const c = fresh();
    const done = spawn("true");
    c.track(done);
    await ended(done);
    const { exit, exited } = exitSpy();
    const second = jest.fn();
    c.stop("SIGINT", 130, exit, 10_000);
    c.stop("SIGHUP", 129, second, 10_000);
    expect((await exited).code).toBe(130);
    expect(second).not.toHaveBeenCalled();
    expect(said).toEqual(["cancelled (SIGINT): stopping 0 flyctl call(s)\n"]);
  });
});

describe("the parent watch", () => {
  it("finds a process's parent and whether a process is alive", async () => {
    const c = fresh();
    const child = spawn("sleep", ["30"]);
    expect(c.parentOf(child.pid!)).toBe(process.pid);
    expect(c.alive(child.pid!)).toBe(true);
    child.kill("SIGKILL");
    await ended(child);
    expect(c.alive(child.pid!)).toBe(false);
    expect(c.parentOf(child.pid!)).toBeUndefined();
    // pid 1 has no parent to watch.
    expect(c.parentOf(1)).toBeUndefined();
  });

  it("says why a step must stop when its parent changed or its grandparent is gone, and nothing while both are there", async () => {
    const c = fresh();
    const gone = spawn("true");
    await ended(gone);
    expect(c.orphaned(100, process.pid, 100)).toBeUndefined();
    expect(c.orphaned(100, undefined, 100)).toBeUndefined();
    expect(c.orphaned(100, process.pid, 1)).toBe("the step's parent is gone");
    expect(c.orphaned(100, gone.pid!, 100)).toBe("the command plugin that ran the step is gone");
  });
});
