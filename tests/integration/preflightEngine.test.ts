/**
 * The migration's preflight through the real engine on the local target: with Chatwoot's full list
 * (vector included) `pulumi up` stops on this machine's PostgreSQL, which has no pgvector, naming the
 * extension and the fix, before any Fly secret is staged or any machine starts; with the local list
 * (the stack template's, without vector) the same stack converges.
 * Needs the toolchain on PATH (scripts/test.sh sources toolchain/env.sh).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHATWOOT_EXTENSIONS } from "../../lib/preflight";
import { LocalStack } from "../../testing/local/localStack";

jest.setTimeout(600_000);

if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

const dir = mkdtempSync(join(tmpdir(), "chatwoot-preflight-"));
const stack = new LocalStack(join(dir, "state"));

beforeAll(() => stack.start());
afterAll(async () => {
  await stack.destroy().catch(() => undefined);
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the migration's extension preflight on the local target", () => {
  it("stops pulumi up before any secret or machine when vector is missing, naming it and the fix", async () => {
    stack.writeConfig({ extensions: [...CHATWOOT_EXTENSIONS] });
    const result = await stack.up(true);
    expect(result.code).not.toBe(0);
    const text = result.stdout + result.stderr;
    expect(text).toContain("extension vector is not available on the server behind direct 127.0.0.1:5432/");
    expect(text).toContain("CREATE EXTENSION IF NOT EXISTS vector;");
    const mutating = stack
      .flyCalls()
      .filter((c) => c.mutating)
      .map((c) => c.command);
    expect(mutating.filter((c) => c !== "apps create")).toEqual([]);
    expect(stack.machines()).toEqual([]);
  });

  it("lets the same stack converge with the extensions this server has", async () => {
    stack.writeConfig({});
    const result = await stack.up(true);
    expect(result.code).toBe(0);
    expect(stack.machines().filter((m) => m.processGroup).length).toBe(2);
  });
});
