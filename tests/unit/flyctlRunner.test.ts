/**
 * steps/flyctl.ts's runner in this process, with small programs standing for flyctl (they are not Fly
 * doubles: they show how the runner treats any program). tests/integration/steps.test.ts runs it
 * against real flyctl and the fake Fly API.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KILL_GRACE_MS } from "../../steps/cancellation";
import { flyctl, StepError } from "../../steps/flyctl";

type Runner = typeof import("../../steps/flyctl");
type Cancellation = typeof import("../../steps/cancellation");

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "flyctl-runner-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a call that runs", () => {
  it("resolves with its output and exit code, and no time-limit mark", async () => {
    const result = await flyctl("/bin/sh", [], 60).run(["-c", "echo out; echo err >&2; exit 3"]);
    expect(result).toStrictEqual({ stdout: "out\n", stderr: "err\n", code: 3 });
  });

  it("gets an empty stdin unless the call gives one", async () => {
    const fly = flyctl("/bin/cat", [], 60);
    expect((await fly.run([])).stdout).toBe("");
    expect((await fly.run([], { stdin: "KEY=value\n" })).stdout).toBe("KEY=value\n");
  });
});

describe("a call past its time limit", () => {
  it("is killed once the grace after SIGTERM is over, when it ignores SIGTERM", async () => {
    const fly = flyctl("/bin/sh", [], 60);
    const started = Date.now();
    // An ignored signal stays ignored across exec: sleep never sees the SIGTERM.
    const result = await fly.run(["-c", 'trap "" TERM; exec sleep 30'], { timeoutSeconds: 0.5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500 + KILL_GRACE_MS);
    expect(result).toStrictEqual({ stdout: "", stderr: "", code: 1, timedOutAfter: 0.5 });
  }, 20_000);
});

describe("a program that cannot run", () => {
  it("says it cannot run it, and why, when the file is there but not executable", async () => {
    const notExecutable = join(dir, "flyctl");
    writeFileSync(notExecutable, "#!/bin/sh\n");
    chmodSync(notExecutable, 0o644);
    const failed = flyctl(notExecutable, [], 60).run(["version"]);
    await expect(failed).rejects.toBeInstanceOf(StepError);
    await expect(failed).rejects.toThrow(`cannot run ${notExecutable}: spawn ${notExecutable} EACCES`);
  });
});

describe("a cancelled step", () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => (stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true)));
  afterEach(() => stderr.mockRestore());

  it("starts no further call, and says which", async () => {
    let runner: Runner | undefined;
    let cancellation: Cancellation | undefined;
    // A fresh pair: the runner must see the cancellation module's own stop, which is once per process.
    jest.isolateModules(() => {
      cancellation = jest.requireActual<Cancellation>("../../steps/cancellation");
      runner = jest.requireActual<Runner>("../../steps/flyctl");
    });
    const exited = new Promise<number>((resolve) => cancellation!.stop("SIGTERM", 143, resolve, 1000));
    expect(await exited).toBe(143);
    const marker = join(dir, "started");
    const fly = runner!.flyctl("/bin/sh", [], 60);
    await expect(fly.run(["-c", `touch ${marker}`])).rejects.toThrow(`cancelled: \`flyctl -c touch ${marker}\` was not started`);
    expect(existsSync(marker)).toBe(false);
  });
});
