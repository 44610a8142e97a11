/**
 * Faults mid-deploy on the local target, through the real engine, in the rollout and the machine counts:
 * each fault makes `pulumi up` fail with an error that names the step and the reason (and no secret),
 * and the next `pulumi up` with the fault gone converges with no manual step. The faults up to the
 * migration: faults-migration.test.ts.
 */
import { IMAGE_NEW } from "../../testing/local/scenario";
import { convergedAndClean, faultStack } from "../support/faultStack";

describe("faults mid-deploy, in the rollout and the counts", () => {
  const faults = faultStack("faults-rollout");
  const { stack, apply, images, failingUp, converges } = faults;

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
    apply({ image: IMAGE_NEW, migrations: "session", workerCount: 0 });
    const before = stack.flyCalls().length;
    await converges();
    const order = stack
      .flyCalls()
      .slice(before)
      .filter((c) => ["scale count", "machine stop", "machine destroy", "machine run"].includes(c.command ?? ""))
      .map((c) => c.argv.slice(0, 2).join(" "));
    // The worker is stopped (its jobs handed back) and destroyed before the migration starts.
    expect(order).toEqual(["machine stop", "machine destroy", "machine run", "machine destroy"]);
    expect(images()).toEqual([IMAGE_NEW]);
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

  convergedAndClean(faults);
});
