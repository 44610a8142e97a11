/**
 * Interrupted runs on the local target, through the real engine and its file backend: two `pulumi up`
 * at once, Ctrl-C (SIGINT) in the middle of the migration, and a killed runner (SIGKILL of the engine,
 * its plugins and the steps). Each follows the recovery the README gives and must converge.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStack, type StackOverrides, REPO, type Running } from "../../testing/local/localStack";
import { IMAGE_NEW, IMAGE_NEWER, IMAGE_OLD } from "../../testing/local/scenario";
import { waitFor } from "../support/waitFor";

jest.setTimeout(600_000);
if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

interface PendingOperation {
  type: string;
  resource: { urn: string };
}

describe("interrupted runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-interrupted-"));
  const stack = new LocalStack(join(dir, "state"));
  const locks = () => {
    const root = join(stack.stateDir, "backend", ".pulumi", "locks");
    return existsSync(root) ? readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json")) : [];
  };
  const images = () => [...new Set(stack.machines().flatMap((m) => (m.processGroup ? [m.config.image] : [])))];
  const migrationMachines = () => stack.machines().filter((m) => !m.processGroup);
  const text = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
  /** Names of the resources the state holds a pending create for. */
  async function pendingCreates(): Promise<string[]> {
    const state = JSON.parse(await stack.exportState()) as { deployment: { pending_operations?: PendingOperation[] } };
    return (state.deployment.pending_operations ?? [])
      .filter((op) => op.type === "creating")
      .map((op) => op.resource.urn.split("::").pop()!);
  }
  async function mutatingCallsOf(run: () => Promise<unknown>) {
    const before = stack.flyCalls().length;
    await run();
    return stack
      .flyCalls()
      .slice(before)
      .filter((c) => c.mutating);
  }
  /** The README's recovery after an interrupted run: clear the pending creates, then `pulumi up`. */
  async function recover(): Promise<void> {
    const refresh = await stack.clearPendingCreates();
    if (refresh.code !== 0) throw new Error(`refresh --clear-pending-creates failed:\n${text(refresh)}`);
    expect(await pendingCreates()).toEqual([]);
    expect(await converges()).not.toContain("pending operations");
  }
  async function converges(): Promise<string> {
    const result = await stack.up(false);
    if (result.code !== 0) throw new Error(`recovery up failed:\n${text(result)}`);
    return text(result);
  }
  /** Starts an up that deploys `image` and returns once its migration machine is running. */
  async function upUntilMigrating(image: string, ownProcessGroup = false, overrides: StackOverrides = {}): Promise<Running> {
    stack.writeConfig({ image, migrations: "direct", ...overrides });
    const running = stack.startUp(false, ownProcessGroup);
    // flyctl machine run pins the image by digest (image@sha256:...).
    await waitFor("the migration machine", () => migrationMachines().some((m) => m.config.image.split("@")[0] === image), 120_000);
    return running;
  }

  beforeAll(async () => {
    await stack.start();
    stack.writeConfig({ image: IMAGE_OLD, migrations: "direct" });
    await converges();
  });
  afterAll(async () => {
    await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("two ups at once: the second is refused by the stack lock, the first completes, the state stays whole", async () => {
    stack.writeConfig({ image: IMAGE_NEW, migrations: "direct" });
    const first = stack.startUp(false);
    await waitFor("the first up's lock", () => locks().length > 0, 120_000);
    const second = await stack.up(false);
    expect(second.code).not.toBe(0);
    expect(text(second)).toContain("the stack is currently locked by 1 lock(s)");
    const done = await first.done;
    expect(done.code).toBe(0);
    expect(images()).toEqual([IMAGE_NEW]);
    expect(locks()).toEqual([]);
    expect(await pendingCreates()).toEqual([]);
    expect(await mutatingCallsOf(converges)).toEqual([]);
  });

  it("Ctrl-C during the migration: the run stops before the rollout and releases the lock; the recovery converges", async () => {
    // A migration that outlasts the check below, so that a step left running would still be waiting on it.
    const running = await upUntilMigrating(IMAGE_NEWER, false, { migration: { command: ["sleep", "20"] } });
    // The migrate step and its flyctl are there to be stopped (the check below cannot pass vacuously).
    await waitFor("the step's `flyctl machine wait`", () => stack.stepProcesses().some((p) => p.includes("machine wait")), 20_000);
    running.child.kill("SIGINT");
    const stopped = await running.done;
    expect(stopped.code).not.toBe(0);
    // The cancel reached the step and its flyctl (`machine wait` was running): nothing runs on.
    await waitFor("the step and its flyctl to stop", () => stack.stepProcesses().length === 0, 5_000).catch(() => undefined);
    expect(stack.stepProcesses()).toEqual([]);
    expect(images()).toEqual([IMAGE_NEW]);
    expect(locks()).toEqual([]);
    // Whether the cut-off create stays pending depends on when the cancel reached the step.
    expect(["chatwoot-migration-run"]).toEqual(expect.arrayContaining(await pendingCreates()));
    await recover();
    expect(images()).toEqual([IMAGE_NEWER]);
    expect(migrationMachines()).toEqual([]);
  });

  it("a killed runner: the lock stays until `pulumi cancel`; the recovery removes the left-over machine and converges", async () => {
    // A migration that outlasts the kill: a quick one could end, and its step remove the machine, first.
    const running = await upUntilMigrating(IMAGE_OLD, true, { migration: { command: ["sleep", "20"] } });
    await waitFor("the step's `flyctl machine wait`", () => stack.stepProcesses().some((p) => p.includes("machine wait")), 20_000);
    process.kill(-running.child.pid!, "SIGKILL");
    await running.done;
    // The command plugin runs steps in a process group of its own, so they outlive the kill; a step
    // whose plugin is gone stops its flyctl and exits instead of carrying on unseen.
    await waitFor("the step and its flyctl to stop", () => stack.stepProcesses().length === 0, 5_000).catch(() => undefined);
    expect(stack.stepProcesses()).toEqual([]);
    // The engine never reached its cleanup: the lock and the pending create stay behind, and so does
    // the migration machine (Fly's machines outlive the runner).
    expect(locks()).toHaveLength(1);
    expect(await pendingCreates()).toEqual(["chatwoot-migration-run"]);
    expect(migrationMachines()).toHaveLength(1);
    const leftover = migrationMachines()[0].id;
    expect(images()).toEqual([IMAGE_NEWER]);

    const refused = await stack.up(false);
    expect(refused.code).not.toBe(0);
    expect(text(refused)).toContain("the stack is currently locked by 1 lock(s)");
    expect((await stack.run("pulumi", ["cancel", "--yes", "--stack", "local", "-C", REPO])).code).toBe(0);
    expect(locks()).toEqual([]);

    const mutating = await mutatingCallsOf(recover);
    // The left-over machine goes before the new migration starts.
    expect(mutating[0]).toMatchObject({ command: "machine destroy", argv: expect.arrayContaining([leftover]) });
    expect(mutating[1]).toMatchObject({ command: "machine run" });
    expect(images()).toEqual([IMAGE_OLD]);
    expect(migrationMachines()).toEqual([]);
  });

  it("after all that, a last up has nothing to do and no secret reached a log, the state or a command line", async () => {
    expect(await mutatingCallsOf(converges)).toEqual([]);
    expect(await stack.leaks()).toEqual([]);
  });
});
