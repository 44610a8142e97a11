/**
 * The main job's story (testing/local/scenario.ts) end to end on the local target, each outcome asserted
 * from the real systems: the engine's exit codes and state, the flyctl stand-in's call log and
 * machines, PgBouncer's SHOW POOLS / SHOW CLIENTS and PostgreSQL's pg_stat_activity.
 * Needs the toolchain on PATH (scripts/test.sh sources toolchain/env.sh).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { LocalStack } from "../../testing/local/localStack";
import * as scenario from "../../testing/local/scenario";

jest.setTimeout(600_000);

if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

describe("the local target, a to f", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-local-"));
  const stack = new LocalStack(join(dir, "state"));
  let destroyed = false;

  beforeAll(() => stack.start());
  afterAll(async () => {
    if (!destroyed) await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("0. deploys the fixed configuration; web and worker fill the 15-client session pool", async () => {
    const first = await scenario.firstDeploy(stack);
    expect(first.result.code).toBe(0);
    expect(first.images).toEqual([scenario.IMAGE_OLD]);
    // fly deploy makes one machine per group (and waits for its checks), which is the count here: no
    // `fly scale count` is needed.
    expect(first.mutating).toEqual(["apps create", "secrets import", "machine run", "machine destroy", "deploy"]);
    const pool = await stack.session.pool();
    expect(pool?.cl_active).toBe(15);
  });

  it("a. the incident's configuration is blocked in preview by the mandatory policy", async () => {
    const preview = await scenario.previewIncident(stack);
    expect(preview.code).not.toBe(0);
    const text = preview.stdout + preview.stderr;
    expect(text).toContain("session-pool-capacity");
    expect(text).toContain("peaks at 16 clients but pool_size is 15");
    expect(text).toContain("pulumi config set --path chatwoot:database.migrations direct");
  });

  it("b. forced without the pack, the migration fails on PgBouncer's full pool and nothing rolls out", async () => {
    const forced = await scenario.forceIncident(stack);
    expect(forced.result.code).not.toBe(0);
    expect(forced.result.stdout + forced.result.stderr).toContain("migration exited with code 1; web and worker keep their current image");
    expect(forced.mutating).not.toContain("deploy");
    expect(forced.images).toEqual([scenario.IMAGE_OLD]);
    expect(forced.restarts).toBe(0);
    expect(stack.machines().filter((m) => !m.processGroup)).toEqual([]);
    expect((await stack.session.pool())?.cl_active).toBe(15);
  });

  it("c. the fixed configuration converges and /api reports its data services ok", async () => {
    const fixed = await scenario.deployFixed(stack);
    expect(fixed.result.code).toBe(0);
    expect(fixed.images).toEqual([scenario.IMAGE_NEW]);
    expect(fixed.mutating.filter((c) => c === "machine run")).toHaveLength(1);
    const api = await stack.getWeb("/api");
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toMatchObject({ data_services: "ok" });
    const outputs = await stack.outputs();
    expect(outputs.image).toBe(scenario.IMAGE_NEW);
    expect(outputs.lastMigration).toMatchObject({ image: scenario.IMAGE_NEW, exitCode: 0 });
    const state = await stack.exportState();
    expect(state).toContain('"type": "chatwoot:fly:MigrationMachine"');
    stack.lastState = state;
  });

  it("d. a second pulumi up changes nothing and calls no mutating flyctl command", async () => {
    const again = await scenario.noOp(stack);
    expect(again.result.code).toBe(0);
    expect(again.mutating).toEqual([]);
    expect(again.restarts).toBe(0);
  });

  it("e. one change at a time: memory is one deploy; the image re-runs the migration, then one deploy", async () => {
    const memory = await scenario.changeMemory(stack);
    expect(memory.result.code).toBe(0);
    expect(memory.mutating).toEqual(["deploy"]);
    // fly deploy updates every machine: each gets the new release's metadata, so no config compares
    // equal (flyctl internal/command/deploy/plan.go, compareConfigs). Web and worker restart once each.
    expect(memory.restarts).toBe(stack.machines().filter((m) => m.processGroup).length);
    expect(stack.machines().find((m) => m.processGroup === "web")?.config.guest.memory_mb).toBe(1024);
    const image = await scenario.changeImage(stack);
    expect(image.result.code).toBe(0);
    expect(image.mutating).toEqual(["machine run", "machine destroy", "deploy"]);
    expect(image.images).toEqual([scenario.IMAGE_NEWER]);
  });

  it("f. pulumi destroy leaves no machine process and no pooler or app connection", async () => {
    const gone = await scenario.destroyAll(stack);
    destroyed = gone.result.code === 0;
    expect(gone.result.code).toBe(0);
    expect(gone.machines).toBe(0);
    expect(gone.livePids).toEqual([]);
    expect(gone.poolerClients).toBe(0);
    expect(gone.connections).toBe(0);
  });

  it("never wrote a secret value into the state, the outputs, a log, a command line or the fly.toml", async () => {
    expect(stack.lastState).toContain("ciphertext");
    expect(await stack.leaks()).toEqual([]);
  });
});
