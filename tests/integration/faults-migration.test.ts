/**
 * Faults mid-deploy on the local target, through the real engine, up to the migration: each fault makes
 * `pulumi up` fail with an error that names the step and the reason (and no secret), web and worker
 * keep their image whenever the migration did not succeed, and the next `pulumi up` with the fault gone
 * converges with no manual step. The rollout's and the counts' faults: faults-rollout.test.ts. The
 * incident's full session pool is covered by local.test.ts (b).
 */
import { IMAGE_NEW, IMAGE_NEWER, IMAGE_OLD } from "../../testing/local/scenario";
import { convergedAndClean, faultStack } from "../support/faultStack";

const CLOSED_PORT = 9; // discard: nothing listens there on these machines

describe("faults mid-deploy, up to the migration", () => {
  const faults = faultStack("faults-migration");
  const { stack, apply, images, failingUp, converges } = faults;

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

  convergedAndClean(faults);
});
