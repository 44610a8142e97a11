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

describe("a process owned by another user", () => {
  it("counts as alive: the kernel answers EPERM, not ESRCH", () => {
    const c = fresh();
    // Root may signal any process, and the tests run as root: the kernel's answers stand in here.
    const answer = (code: string) =>
      jest.spyOn(process, "kill").mockImplementation(() => {
        throw Object.assign(new Error(`kill ${code}`), { code });
      });
    try {
      answer("EPERM");
      expect(c.alive(4242)).toBe(true);
      answer("ESRCH");
      expect(c.alive(4242)).toBe(false);
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describe("what a step installs first thing", () => {
  const signals: Array<[NodeJS.Signals, number]> = [
    ["SIGHUP", 129],
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ];
  const parent = process.ppid;
  /** process.ppid as the step sees it (a plain property of process). */
  const setParent = (pid: number) => Object.defineProperty(process, "ppid", { value: pid, writable: true, configurable: true });
  /** What stopOnCancel added to `emitter`'s `event` listeners, taken off again after each test. */
  const added: Array<() => void> = [];
  const takeOffAfter = (emitter: NodeJS.EventEmitter, event: string) => {
    const before = emitter.listeners(event);
    added.push(() => {
      for (const listener of emitter.listeners(event)) if (!before.includes(listener)) emitter.off(event, listener as () => void);
    });
  };
  let exit: jest.SpyInstance;
  beforeEach(() => {
    // Fake timers: the parent watch and the exit poll are intervals, gone with them after each test.
    jest.useFakeTimers();
    for (const [signal] of signals) takeOffAfter(process, signal);
    takeOffAfter(process.stderr, "error");
    exit = jest.spyOn(process, "exit").mockImplementation((() => undefined) as () => never);
  });
  afterEach(() => {
    jest.useRealTimers();
    exit.mockRestore();
    setParent(parent);
    added.splice(0).forEach((takeOff) => takeOff());
  });

  it.each(signals)("stops on %s and exits with 128 + its number", (signal, code) => {
    const c = fresh();
    c.stopOnCancel();
    process.emit(signal, signal);
    jest.advanceTimersByTime(50);
    expect(said).toEqual([`cancelled (${signal}): stopping 0 flyctl call(s)\n`]);
    expect(exit.mock.calls).toEqual([[code]]);
  });

  it("stops with exit code 1 once its parent is gone", () => {
    const c = fresh();
    c.stopOnCancel();
    jest.advanceTimersByTime(1000);
    expect(exit).not.toHaveBeenCalled();
    setParent(1);
    jest.advanceTimersByTime(550);
    expect(said).toEqual(["cancelled (the step's parent is gone): stopping 0 flyctl call(s)\n"]);
    expect(exit.mock.calls).toEqual([[1]]);
  });

  it("survives a closed stderr: an EPIPE there is not an uncaught error", () => {
    const c = fresh();
    c.stopOnCancel();
    expect(() => process.stderr.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).not.toThrow();
  });
});
