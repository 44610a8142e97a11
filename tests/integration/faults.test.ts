/**
 * Faults mid-deploy on the local target, through the real engine: each fault makes `pulumi up` fail
 * with an error that names the step and the reason (and no secret), web and worker keep their image
 * whenever the migration did not succeed, and the next `pulumi up` with the fault gone converges with
 * no manual step. The incident's full session pool is covered by local.test.ts (b).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStack, type StackOverrides } from "../../testing/local/localStack";
import { IMAGE_NEW, IMAGE_NEWER, IMAGE_OLD } from "../../testing/local/scenario";

jest.setTimeout(600_000);
if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

const CLOSED_PORT = 9; // discard: nothing listens there on these machines

describe("faults mid-deploy", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-faults-"));
  const stack = new LocalStack(join(dir, "state"));
  let config: StackOverrides = { image: IMAGE_OLD, migrations: "direct" };

  const images = () => [
    ...new Set(
      stack
        .machines()
        .filter((m) => m.processGroup)
        .map((m) => m.config.image),
    ),
  ];
  const apply = (next: StackOverrides) => {
    config = { ...config, ...next };
    stack.writeConfig(config);
  };
  /** Runs `pulumi up` expecting a failure; returns its output and the flyctl commands it made. */
  async function failingUp(): Promise<{ text: string; commands: Array<string | null> }> {
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
  }
  async function converges(): Promise<void> {
    const result = await stack.up(true);
    if (result.code !== 0) throw new Error(`recovery up failed:\n${result.stdout}\n${result.stderr}`);
  }

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

  it("secrets import fails: the step is named, the rollout does not run, the next up converges", async () => {
    await stack.setSecret("redisUrl", "redis://127.0.0.1:6379/2");
    stack.injectFaults([
      {
        command: "secrets import",
        mode: "fail",
        exitCode: 1,
        stderr: "Error: failed to update app secrets: 503 Service Unavailable",
        times: 1,
      },
    ]);
    const { text, commands } = await failingUp();
    expect(text).toContain("chatwoot-secrets-import");
    // flyctl's own wording around the API's answer ("Error: update secrets: failed to update app secrets: ...").
    expect(text).toMatch(
      /`flyctl secrets import --app chatwoot-local --stage` exited 1: .*failed to update app secrets: .*503 Service Unavailable/,
    );
    expect(commands).not.toContain("deploy");
    await converges();
    expect(stack.flyCalls().at(-1)?.command).toBe("deploy");
  });

  it("the migration exits non-zero: web and worker keep the old image; the next up migrates and rolls out", async () => {
    apply({ image: IMAGE_NEW });
    stack.injectFaults([{ command: "machine run", mode: "exit-code", exitCode: 3, times: 1 }]);
    const { text, commands } = await failingUp();
    expect(text).toContain("chatwoot-migration-run");
    expect(text).toContain("migration exited with code 3; web and worker keep their current image");
    expect(commands).not.toContain("deploy");
    expect(images()).toEqual([IMAGE_OLD]);
    await converges();
    expect(images()).toEqual([IMAGE_NEW]);
  });

  it("the migration machine disappears: same guarantees", async () => {
    apply({ image: IMAGE_NEWER });
    stack.injectFaults([{ command: "machine run", mode: "lose-machine", times: 1 }]);
    const { text } = await failingUp();
    expect(text).toMatch(/migration machine \S+ disappeared/);
    expect(images()).toEqual([IMAGE_NEW]);
    await converges();
    expect(images()).toEqual([IMAGE_NEWER]);
  });

  it("the migration exceeds its timeout: the machine is stopped and removed; the next up converges", async () => {
    apply({ migration: { command: ["sleep", "600"], timeoutSeconds: 30 } });
    const { text } = await failingUp();
    expect(text).toContain("migration did not finish within 30s (chatwoot:migration.timeoutSeconds)");
    expect(stack.machines().filter((m) => !m.processGroup)).toEqual([]);
    apply({ migration: { command: ["bundle", "exec", "rails", "db:chatwoot_prepare"], timeoutSeconds: 120 } });
    await converges();
  });

  it("the database is unreachable for the migration: the up fails before the rollout, then converges", async () => {
    apply({ directPort: CLOSED_PORT, webMemoryMb: 1024 });
    const { text, commands } = await failingUp();
    expect(text).toContain("migration exited with code 1");
    expect(commands).not.toContain("deploy");
    expect(stack.machines().find((m) => m.processGroup === "web")?.config.guest.memory_mb).toBe(2048);
    apply({ directPort: 5432 });
    await converges();
    expect(stack.machines().find((m) => m.processGroup === "web")?.config.guest.memory_mb).toBe(1024);
  });

  it("deploy fails halfway: the step is named; the next up deploys", async () => {
    apply({ webMemoryMb: 1536 });
    stack.injectFaults([
      {
        command: "deploy",
        mode: "fail",
        exitCode: 1,
        stderr: "Error: failed to update machine 1234: timeout reached waiting for health checks",
        times: 1,
      },
    ]);
    const { text } = await failingUp();
    expect(text).toContain("chatwoot-rollout-deploy");
    expect(text).toContain("health checks");
    await converges();
    expect(stack.machines().find((m) => m.processGroup === "web")?.config.guest.memory_mb).toBe(1536);
  });

  it("flyctl hangs in the deploy: the call is stopped at its limit, the step is named; the next up deploys", async () => {
    apply({ webMemoryMb: 2048, flyctlTimeoutSeconds: 20 });
    stack.injectFaults([{ command: "deploy", mode: "hang", times: 1 }]);
    const { text } = await failingUp();
    expect(text).toContain("chatwoot-rollout-deploy");
    expect(text).toMatch(
      /`flyctl deploy --app chatwoot-local [^`]*` did not finish within 20s and was stopped \(chatwoot:flyctlTimeoutSeconds\)/,
    );
    expect(stack.flyCalls().at(-1)).toMatchObject({ command: "deploy", fault: "hang", exitCode: 143 });
    expect(stack.machines().find((m) => m.processGroup === "web")?.config.guest.memory_mb).toBe(1536);
    apply({ flyctlTimeoutSeconds: undefined });
    await converges();
    expect(stack.machines().find((m) => m.processGroup === "web")?.config.guest.memory_mb).toBe(2048);
  });

  it("a lowered count beside a new image: the scale-down runs first, so the migration fits the pool the budget counted", async () => {
    // Budgeted with worker 0: web 5 + migration 1 on the session pool of 15. With the old worker
    // still up (10 clients) the migration would be client 16 and be refused.
    apply({ image: IMAGE_OLD, migrations: "session", workerCount: 0 });
    const before = stack.flyCalls().length;
    await converges();
    const order = stack
      .flyCalls()
      .slice(before)
      .filter((c) => ["scale count", "machine stop", "machine destroy", "machine run"].includes(c.command ?? ""))
      .map((c) => c.argv.slice(0, 2).join(" "));
    // The worker is stopped (its jobs handed back) and destroyed before the migration starts.
    expect(order).toEqual(["machine stop", "machine destroy", "machine run", "machine destroy"]);
    expect(images()).toEqual([IMAGE_OLD]);
    apply({ migrations: "direct", workerCount: 1 });
    await converges();
    expect(stack.machines().filter((m) => m.processGroup === "worker")).toHaveLength(1);
  });

  it("lowering a count fails (machine stop): the step is named; the next up scales", async () => {
    apply({ workerCount: 0 });
    stack.injectFaults([{ command: "machine stop", mode: "fail", exitCode: 1, stderr: "Error: could not stop machine: 500", times: 1 }]);
    const { text } = await failingUp();
    // A lowered count is applied before the migration, by the scale-down step.
    expect(text).toContain("chatwoot-scale-down-scale");
    expect(stack.machines().filter((m) => m.processGroup === "worker")).toHaveLength(1);
    await converges();
    expect(stack.machines().filter((m) => m.processGroup === "worker")).toHaveLength(0);
  });

  it("after all that, a last up has nothing to do", async () => {
    const before = stack.flyCalls().length;
    await converges();
    expect(
      stack
        .flyCalls()
        .slice(before)
        .filter((c) => c.mutating),
    ).toEqual([]);
  });

  it("no secret reached the state, the outputs, a log, a command line or the fly.toml", async () => {
    expect(await stack.leaks()).toEqual([]);
  });
});
