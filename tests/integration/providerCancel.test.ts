/**
 * The provider's Cancel (the engine sends it on Ctrl-C): the running step is stopped, with its flyctl
 * call, instead of the engine waiting for it to finish. Real processes: the step runs as the provider
 * runs it, with a flyctl that never answers.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROCESS_GROUP_COUNTS_TYPE } from "../../lib/flyResources";
import { flyProvider } from "../../provider/flyProvider";
import { processesWith } from "../../testing/local/processes";

jest.setTimeout(60_000);

describe("the provider's cancel", () => {
  const dir = mkdtempSync(join(tmpdir(), "provider-cancel-"));
  const flyctl = join(dir, "flyctl-that-hangs");
  /** The hanging flyctl call of this test's step (its process carries the step's environment). */
  const hanging = () => processesWith(/^sleep 120$/, "CHATWOOT_FLY_APP", "cancel-app");
  beforeAll(() => {
    writeFileSync(flyctl, "#!/bin/sh\nexec sleep 120\n");
    chmodSync(flyctl, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stops the running step and its flyctl call, failing the operation with the step's own words", async () => {
    const lines: string[] = [];
    const provider = flyProvider((_urn, line) => lines.push(line));
    const urn = `urn:pulumi:local::chatwoot-fly::${PROCESS_GROUP_COUNTS_TYPE}::chatwoot-counts-scale`;
    const state = { app: "cancel-app", flyctl, timeoutSeconds: 120, counts: { web: 1 }, downOnly: false };
    const started = Date.now();
    const read = provider.read!("id", urn, state);
    // The step is running once its flyctl is.
    while (hanging().length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await provider.cancel!();
    await expect(read).rejects.toThrow(/step read-counts failed: .*cancelled \(SIGTERM\): stopping 1 flyctl call/s);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(hanging()).toEqual([]);
  });

  it("with nothing running, returns at once", async () => {
    await expect(flyProvider(() => undefined).cancel!()).resolves.toBeUndefined();
  });
});
