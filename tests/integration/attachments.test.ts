/**
 * Durable attachments through the real engine on the local target: the stack's storage config points
 * Chatwoot (the stand-in) at a real S3-compatible server on this machine (versitygw, testing/s3); an
 * attachment stored through it survives a rollout that replaces the web machine. The control: with
 * storage.service local (which the mandatory policy refuses, so it is deployed without the pack) the
 * same rollout loses it, as Fly's machine disks do. Also checked here through the engine: the graceful
 * stop settings reach the machines, and the bucket keys reach Fly only as secrets.
 * Needs the toolchain on PATH (scripts/test.sh sources toolchain/env.sh) and testing/services.sh.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { s3Request } from "../../testing/doubles/fake-chatwoot/src/s3";
import { readState } from "../../testing/doubles/fake-flyctl/src/store";
import { ATTACHMENTS_BUCKET, LocalStack } from "../../testing/local/localStack";

jest.setTimeout(600_000);

if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

const dir = mkdtempSync(join(tmpdir(), "chatwoot-attachments-"));
const stack = new LocalStack(join(dir, "state"));
const ATTACHMENT = Buffer.from(`invoice for conversation 42 ${"x".repeat(2048)}`);

function web() {
  const m = stack.machines().find((x) => x.processGroup === "web" && x.hostPort);
  if (!m?.hostPort) throw new Error("no web machine with a port");
  return m;
}

async function attachment(method: "PUT" | "GET", name: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(`http://127.0.0.1:${web().hostPort}/fake/attachments/${name}`, { method, body });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

async function up(withPack: boolean): Promise<void> {
  const result = await stack.up(withPack);
  if (result.code !== 0) throw new Error(`pulumi up failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
}

beforeAll(() => stack.start());
afterAll(async () => {
  await stack.destroy().catch(() => undefined);
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("attachments on the local target", () => {
  it("survive a rollout when they are in the bucket", async () => {
    await up(true);
    const before = web();
    expect(before.config.env).toMatchObject({ ACTIVE_STORAGE_SERVICE: "s3_compatible", STORAGE_BUCKET_NAME: ATTACHMENTS_BUCKET });
    expect(before).toMatchObject({ killSignal: "SIGTERM", killTimeoutMs: 30_000 });

    expect((await attachment("PUT", "invoice-42.pdf", ATTACHMENT)).status).toBe(201);
    const stored = await s3Request(stack.s3.settings(ATTACHMENTS_BUCKET), "GET", "attachments/invoice-42.pdf");
    expect(stored.status).toBe(200);
    expect(stored.body.equals(ATTACHMENT)).toBe(true);

    stack.writeConfig({ extraEnv: { ROLLOUT: "2" } });
    await up(true);
    const after = web();
    expect(after.instanceId).not.toBe(before.instanceId);
    const read = await attachment("GET", "invoice-42.pdf");
    expect(read.status).toBe(200);
    expect(read.body.equals(ATTACHMENT)).toBe(true);
  });

  it("reach Fly's keys only as secrets", async () => {
    const app = readState(stack.fakeFlyDir).apps["chatwoot-local"];
    expect(app.secrets.STORAGE_ACCESS_KEY_ID?.value).toBe(stack.s3.accessKeyId);
    expect(app.secrets.STORAGE_SECRET_ACCESS_KEY?.value).toBe(stack.s3.secretAccessKey);
    expect(JSON.stringify(web().config.env)).not.toContain(stack.s3.secretAccessKey);
    expect(await stack.leaks()).toEqual([]);
  });

  it("are lost on the machine's disk (storage.service local), which the mandatory policy refuses in preview", async () => {
    stack.writeConfig({ localStorage: true, extraEnv: { ROLLOUT: "3" } });
    const preview = await stack.preview(true);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain("attachments-off-machine-disk");
    // A throwaway stack lowers it (the README's --policy-pack-config): the preview passes, and warns.
    const levels = join(dir, "levels.json");
    writeFileSync(levels, JSON.stringify({ "attachments-off-machine-disk": "advisory" }));
    const lowered = await stack.preview(true, ["--policy-pack-config", levels]);
    expect(lowered.code).toBe(0);
    expect(lowered.stdout).toMatch(/\[advisory\]\s+attachments-off-machine-disk/);
    await up(false);
    expect(web().config.env).toMatchObject({ ACTIVE_STORAGE_SERVICE: "local" });
    expect((await attachment("PUT", "lost.pdf", ATTACHMENT)).status).toBe(201);
    expect((await attachment("GET", "lost.pdf")).status).toBe(200);

    stack.writeConfig({ localStorage: true, extraEnv: { ROLLOUT: "4" } });
    await up(false);
    expect((await attachment("GET", "lost.pdf")).status).toBe(404);
  });
});
