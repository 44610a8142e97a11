/**
 * A stack deployed by the previous version, upgraded in place by this one: the app, secrets,
 * rollout and counts that were Commands become the provider's App, AppSecrets, Release and
 * ProcessGroupCounts (aliased to the Commands' URNs) with no replacement, no redeploy and no machine
 * restarted. The previous version is the commit
 * before the provider came in, taken from git history (a shallow clone lacks it: the test says so).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStack, REPO, type CommandResult } from "../../testing/local/localStack";
import { IMAGE_OLD } from "../../testing/local/scenario";

jest.setTimeout(600_000);

if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

/** The last commit whose Fly resources were all command:local:Command resources. */
const PREVIOUS_VERSION = "a081e52e6feccdf589eb53cb2b73a7ff16ddcd19";

/** The previous version's tree in `dir`, using this checkout's installed packages. */
function checkOut(commit: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync("git", ["-C", REPO, "archive", "--format=tar", commit], { maxBuffer: 1 << 30 });
  if (archive.status !== 0)
    throw new Error(`git archive ${commit} failed (a shallow clone lacks it; git fetch --unshallow): ${archive.stderr.toString()}`);
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr.toString()}`);
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  symlinkSync(join(REPO, "policies", "node_modules"), join(dir, "policies", "node_modules"));
}

/** The resources that take a Command's state over: type, and the name they share with it. */
const TAKEN_OVER = [
  ["App", "chatwoot-app-ensure"],
  ["AppSecrets", "chatwoot-secrets-import"],
  ["ProcessGroupCounts", "chatwoot-scale-down-scale"],
  ["Release", "chatwoot-rollout-deploy"],
  ["ProcessGroupCounts", "chatwoot-counts-scale"],
];

const text = (result: CommandResult) => `${result.stdout}\n${result.stderr}`;

interface StateResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

describe("upgrading a stack deployed by the previous version", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-upgrade-"));
  const stack = new LocalStack(join(dir, "state"));
  const previous = join(dir, "previous");

  beforeAll(async () => {
    checkOut(PREVIOUS_VERSION, previous);
    await stack.start();
    stack.projectDir = previous;
    stack.writeConfig({ image: IMAGE_OLD, migrations: "direct" });
    const up = await stack.up(true);
    if (up.code !== 0) throw new Error(`the previous version's up failed:\n${text(up)}`);
  });
  afterAll(async () => {
    stack.projectDir = REPO;
    await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const resources = async () =>
    (JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } }).deployment.resources;
  const named = (all: StateResource[], name: string) => all.filter((r) => r.urn.endsWith(`::${name}`));

  it("takes app, secrets, rollout and counts over in place: no replacement, no redeploy, no restart", async () => {
    const before = await resources();
    expect(named(before, "chatwoot-counts-scale").map((r) => r.type)).toEqual(["command:local:Command"]);
    const machines = stack.machines().map((m) => ({ id: m.id, restarts: m.restarts }));
    const calls = stack.flyCalls().length;

    stack.projectDir = REPO;
    const up = await stack.up(true);
    expect(up.code).toBe(0);
    const output = text(up);
    expect(output).not.toMatch(/replac/i);
    // The five taken over, and two updates of inputs only: the Deployment's plan and the migration's
    // environment now carry what the budget was computed from (the migration keeps its last result).
    expect(output).toMatch(/~ 7 updated/);
    expect(output).toContain("~  command:local:Command chatwoot-migration-run updated");
    for (const [type, name] of TAKEN_OVER) expect(output).toContain(`~  chatwoot-fly:index:${type} ${name} updated`);
    // The same values staged once more (the state then holds Fly's digests); the revision is the
    // Command's, so the rollout does not redeploy.
    expect(
      stack
        .flyCalls()
        .slice(calls)
        .filter((c) => c.mutating)
        .map((c) => c.argv.join(" ")),
    ).toEqual(["secrets import --app chatwoot-local --stage"]);
    expect(stack.machines().map((m) => ({ id: m.id, restarts: m.restarts }))).toEqual(machines);

    const after = await resources();
    // The components took their class names as type tokens; the aliases kept them, and their children, in place.
    const componentTypes = (all: StateResource[]) =>
      all
        .filter((r) => r.type.startsWith("chatwoot:"))
        .map((r) => r.type)
        .sort();
    expect(componentTypes(before)).toEqual([
      "chatwoot:database:Database",
      "chatwoot:fly:App",
      "chatwoot:fly:MachineCounts",
      "chatwoot:fly:MachineCounts",
      "chatwoot:fly:Migration",
      "chatwoot:fly:Rollout",
      "chatwoot:fly:Secrets",
      "chatwoot:index:Deployment",
    ]);
    expect(componentTypes(after)).toEqual([
      "chatwoot:database:ChatwootDatabase",
      "chatwoot:fly:FlyApp",
      "chatwoot:fly:FlyRollout",
      "chatwoot:fly:FlySecrets",
      "chatwoot:fly:MachineCounts",
      "chatwoot:fly:MachineCounts",
      "chatwoot:fly:MigrationMachine",
      "chatwoot:index:ChatwootDeployment",
    ]);
    // Nothing else came or went but the provider that now serves the Fly resources.
    const providers = (all: StateResource[]) => all.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.type);
    expect(after.length - providers(after).length).toBe(before.length - providers(before).length);
    expect(providers(after)).toContain("pulumi:providers:chatwoot-fly");
    for (const [type, name] of TAKEN_OVER) {
      expect(named(before, name).map((r) => r.type)).toEqual(["command:local:Command"]);
      expect(named(after, name).map((r) => r.type)).toEqual([`chatwoot-fly:index:${type}`]);
    }
    expect(named(after, "chatwoot-app-ensure")[0].outputs).toMatchObject({ org: "local", adopted: false });
    expect(named(after, "chatwoot-rollout-deploy")[0].outputs).toMatchObject({ image: IMAGE_OLD, strategy: "rolling" });
    for (const name of ["chatwoot-scale-down-scale", "chatwoot-counts-scale"]) {
      const [resource] = named(after, name);
      expect(resource.type).toBe("chatwoot-fly:index:ProcessGroupCounts");
      expect(resource.outputs).toMatchObject({ app: "chatwoot-local", counts: { web: 1, worker: 1 } });
      expect(named(before, name)[0].outputs).toHaveProperty("create");
    }
    // The next up has nothing to do.
    const again = await stack.up(true);
    expect(text(again)).toMatch(/\d+ unchanged/);
    expect(text(again)).not.toMatch(/updated|created|deleted/);
  });
});
