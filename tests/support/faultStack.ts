/**
 * One local stack for a suite of faults mid-deploy (tests/integration/faults-*.test.ts): deployed once
 * before the suite's cases, each case changing the config and injecting a fault, and the two checks
 * every such suite ends with. The faults are split over two suites, each with its own stack, so that
 * they run side by side.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStack, type StackOverrides } from "../../testing/local/localStack";
import { IMAGE_OLD } from "../../testing/local/scenario";

export interface FaultStack {
  stack: LocalStack;
  /** Adds `next` to the stack's config and writes it. */
  apply(next: StackOverrides): void;
  /** The images web and worker run. */
  images(): string[];
  /** Runs `pulumi up` expecting a failure that prints no secret; returns its output and the flyctl commands it made. */
  failingUp(): Promise<{ text: string; commands: Array<string | null> }>;
  /** Runs `pulumi up` and fails the test unless it succeeds. */
  converges(): Promise<void>;
}

export function faultStack(name: string): FaultStack {
  jest.setTimeout(600_000);
  if (spawnSync("pulumi", ["version"]).status !== 0)
    throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");
  const dir = mkdtempSync(join(tmpdir(), `chatwoot-${name}-`));
  const stack = new LocalStack(join(dir, "state"));
  let config: StackOverrides = { image: IMAGE_OLD, migrations: "direct" };

  const converges = async () => {
    const result = await stack.up(true);
    if (result.code !== 0) throw new Error(`recovery up failed:\n${result.stdout}\n${result.stderr}`);
  };
  beforeAll(async () => {
    await stack.start();
    stack.writeConfig(config);
    await converges();
  });
  afterAll(async () => {
    await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    stack,
    converges,
    apply(next) {
      config = { ...config, ...next };
      stack.writeConfig(config);
    },
    images: () => [
      ...new Set(
        stack
          .machines()
          .filter((m) => m.processGroup)
          .map((m) => m.config.image),
      ),
    ],
    async failingUp() {
      const before = stack.flyCalls().length;
      const result = await stack.up(true);
      expect(result.code).not.toBe(0);
      const text = result.stdout + result.stderr;
      for (const secret of stack.secretValues) expect(text.includes(secret)).toBe(false);
      return {
        text,
        commands: stack
          .flyCalls()
          .slice(before)
          .map((c) => c.command),
      };
    },
  };
}

/** The cases every fault suite ends with: nothing left to do, and no secret anywhere. */
export function convergedAndClean(faults: FaultStack): void {
  it("after all that, a last up has nothing to do", async () => {
    const before = faults.stack.flyCalls().length;
    await faults.converges();
    expect(
      faults.stack
        .flyCalls()
        .slice(before)
        .filter((c) => c.mutating),
    ).toEqual([]);
  });

  it("no secret reached the state, the outputs, a log, a command line or the fly.toml", async () => {
    expect(await faults.stack.leaks()).toEqual([]);
  });
}
