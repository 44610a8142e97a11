/**
 * Changes made on Fly by hand, through the real engine, real flyctl and the fake Fly API: `pulumi
 * refresh` records them, `pulumi preview` shows them, `pulumi up` sets them back, and a second up
 * has nothing left to do (lib/flyResources.ts, provider/).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStack, type CommandResult } from "../../testing/local/localStack";
import { IMAGE_NEWER, IMAGE_OLD } from "../../testing/local/scenario";

jest.setTimeout(600_000);

if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

const APP = ["--app", "chatwoot-local"];
const text = (result: CommandResult) => `${result.stdout}\n${result.stderr}`;

describe("drift on Fly", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-drift-"));
  const stack = new LocalStack(join(dir, "state"));

  /** Process groups of the app's machines, in order. */
  const groups = () =>
    stack
      .machines()
      .map((m) => m.processGroup)
      .filter((g) => g)
      .sort();
  /** Starts of the app's machines so far (each restart is one more). */
  const machineStarts = () => stack.machines().reduce((n, m) => n + m.restarts, 0);
  /** Runs `op` and returns its result with the mutating flyctl calls it made. */
  async function observed(op: () => Promise<CommandResult>): Promise<{ result: CommandResult; mutating: string[] }> {
    const before = stack.flyCalls().length;
    const result = await op();
    if (result.code !== 0) throw new Error(`failed:\n${text(result)}`);
    const mutating = stack
      .flyCalls()
      .slice(before)
      .filter((c) => c.mutating)
      .map((c) => c.command ?? c.argv.join(" "));
    return { result, mutating };
  }

  beforeAll(async () => {
    await stack.start();
    stack.writeConfig({ image: IMAGE_OLD, migrations: "direct" });
    const up = await stack.up(true);
    if (up.code !== 0) throw new Error(`first up failed:\n${text(up)}`);
  });
  afterAll(async () => {
    await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Refresh, preview and up after a change by hand; each step's output and mutating calls. */
  async function converge(): Promise<{ refresh: string; preview: string; up: string; upCalls: string[] }> {
    const refresh = await observed(() => stack.refresh());
    expect(refresh.mutating).toEqual([]);
    const preview = await observed(() => stack.preview(true));
    expect(preview.mutating).toEqual([]);
    const up = await observed(() => stack.up(true));
    // Nothing left to do: the next up makes no mutating call, whatever a refresh would read.
    expect((await observed(() => stack.refresh())).mutating).toEqual([]);
    expect((await observed(() => stack.up(true))).mutating).toEqual([]);
    return { refresh: text(refresh.result), preview: text(preview.result), up: text(up.result), upCalls: up.mutating };
  }

  it("a worker count raised by hand: refresh records it, preview shows it, up lowers it again", async () => {
    expect(groups()).toEqual(["web", "worker"]);
    await stack.flyByHand(["scale", "count", "worker=3", "--yes", ...APP]);
    expect(groups()).toEqual(["web", "worker", "worker", "worker"]);
    const seen = await converge();
    expect(seen.preview).toMatch(/~ counts\s*: \{\n\s*web\s*: 1\n\s*~ worker: 3 => 1\n/);
    expect(groups()).toEqual(["web", "worker"]);
    expect(seen.upCalls).toEqual(["machine stop", "machine destroy", "machine destroy"]);
  });

  it("a worker count lowered by hand to 0: up raises it again", async () => {
    await stack.flyByHand(["scale", "count", "worker=0", "--yes", ...APP]);
    expect(groups()).toEqual(["web"]);
    const seen = await converge();
    expect(seen.preview).toMatch(/~ worker: 0 => 1\n/);
    expect(groups()).toEqual(["web", "worker"]);
    expect(seen.upCalls).toEqual(["scale count"]);
  });

  it("a web machine destroyed by hand: up makes another", async () => {
    const web = stack.machines().find((m) => m.processGroup === "web")!;
    await stack.flyByHand(["machine", "destroy", web.id, "--force", ...APP]);
    expect(groups()).toEqual(["worker"]);
    const seen = await converge();
    expect(seen.preview).toMatch(/~ web\s*: 0 => 1\n/);
    expect(groups()).toEqual(["web", "worker"]);
    expect(seen.upCalls).toEqual(["scale count"]);
  });

  it("a secret set by hand: preview names it, up sets it back at once", async () => {
    await stack.flyByHand(["secrets", "set", "REDIS_URL=redis://127.0.0.1:6379/9", ...APP]);
    expect(stack.flySecret("REDIS_URL")).toBe("redis://127.0.0.1:6379/9");
    const restarts = machineStarts();
    const seen = await converge();
    expect(seen.preview).toMatch(/~ REDIS_URL\s*: "changed on Fly by hand" => \[secret\]\n/);
    expect(seen.preview).toMatch(/~ 1 to update\n/);
    expect(stack.flySecret("REDIS_URL")).toBe("redis://127.0.0.1:6379/0");
    // Applied at once (no deploy follows: the config's revision is the same), one restart per machine.
    expect(seen.upCalls).toEqual(["secrets import"]);
    expect(machineStarts() - restarts).toBe(2);
  });

  it("a secret unset by hand: up sets it again", async () => {
    await stack.flyByHand(["secrets", "unset", "FRONTEND_URL", ...APP]);
    expect(stack.flySecret("FRONTEND_URL")).toBeUndefined();
    const seen = await converge();
    expect(seen.preview).toMatch(/\+ FRONTEND_URL\s*: \[secret\]\n/);
    expect(stack.flySecret("FRONTEND_URL")).toBe("http://localhost:3000");
    expect(seen.upCalls).toEqual(["secrets import"]);
  });

  it("another image deployed by hand: preview shows it, up deploys the config's again", async () => {
    for (const machine of stack.machines().filter((m) => m.processGroup))
      await stack.flyByHand(["machine", "update", machine.id, "--image", IMAGE_NEWER, "--yes", ...APP]);
    // Fly pins the image it was given to its digest.
    expect(stack.images()).toEqual([expect.stringMatching(new RegExp(`^${IMAGE_NEWER}@sha256:[0-9a-f]{64}$`))]);
    const seen = await converge();
    expect(seen.preview).toContain(`~ image         : "${IMAGE_NEWER}" => "${IMAGE_OLD}"\n`);
    expect(stack.images()).toEqual([IMAGE_OLD]);
    expect(seen.upCalls).toContain("deploy");
  });

  it("the app deleted by hand: refresh drops it, preview creates it again, up rebuilds app, secrets and machines", async () => {
    await stack.flyByHand(["apps", "destroy", "chatwoot-local", "--yes"]);
    expect(stack.machines()).toEqual([]);
    const seen = await converge();
    expect(seen.refresh).toMatch(/- 5 deleted\n/);
    expect(seen.preview).toMatch(/\+ 5 to create\n/);
    expect(seen.upCalls).toEqual(["apps create", "secrets import", "deploy"]);
    expect(groups()).toEqual(["web", "worker"]);
    expect(stack.images()).toEqual([IMAGE_OLD]);
    expect(stack.flySecret("REDIS_URL")).toBe("redis://127.0.0.1:6379/0");
  });
});
