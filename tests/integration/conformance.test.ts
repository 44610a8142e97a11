/**
 * Conformance: every call of docs/flyctl-contract.md runs through REAL flyctl (against the fake Fly
 * API) and through the fake-flyctl double, each in its own "Fly.io", in the same order. A difference
 * in exit code, in JSON shape (keys and value types, recursively) or in the text the product reads
 * (the error texts steps/ matches, the values it parses) fails. Skipped, loudly, without real flyctl.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_FLYCTL, FlyDouble, realFlyctl } from "../../testing/doubles/fake-fly-api/src/harness";
import { spawnCollect, type Collected } from "../../testing/local/spawnCollect";
import { planOf, stagingWith } from "../support/configs";

jest.setTimeout(300_000);

const ORG = "conformance-org";
const APP = "conformance-app";
const IMAGE = "chatwoot/chatwoot:v4.14.0";
const TOKEN = "conformance-token";
const real = realFlyctl();
const describeReal = "path" in real ? describe : describe.skip;
if (!("path" in real)) process.stderr.write(`\n*** conformance.test.ts SKIPPED: ${real.reason} ***\n\n`);

/** The shape of a JSON value: keys and types, recursively; an array's shape merges its elements'. */
type Shape = string | { [key: string]: Shape } | { "[]": Shape };

export function shapeOf(value: unknown): Shape {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let merged: Shape = "empty";
    for (const v of value) merged = merge(merged, shapeOf(v));
    return { "[]": merged };
  }
  if (typeof value === "object") {
    const out: Record<string, Shape> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = shapeOf((value as Record<string, unknown>)[key]);
    return out;
  }
  return typeof value;
}

function merge(a: Shape, b: Shape): Shape {
  if (a === "empty") return b;
  if (b === "empty") return a;
  if (typeof a === "string" || typeof b === "string") return a === b ? a : `${String(JSON.stringify(a))}|${String(JSON.stringify(b))}`;
  const out: Record<string, Shape> = { ...(a as Record<string, Shape>) };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
  return out;
}

/** Every path where two shapes differ (missing on one side, or another type). */
export function shapeDiff(a: Shape, b: Shape, at = "$"): string[] {
  if (typeof a === "string" || typeof b === "string")
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at}: real ${JSON.stringify(a)} vs double ${JSON.stringify(b)}`];
  const out: string[] = [];
  const ra = a as Record<string, Shape>;
  const rb = b as Record<string, Shape>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (!(key in rb)) out.push(`${at}.${key}: only real flyctl prints it (${JSON.stringify(ra[key])})`);
    else if (!(key in ra)) out.push(`${at}.${key}: only the double prints it (${JSON.stringify(rb[key])})`);
    else out.push(...shapeDiff(ra[key], rb[key], `${at}.${key}`));
  }
  return out;
}

/** One Fly.io, driven through one flyctl. */
class World {
  readonly dir = mkdtempSync(join(tmpdir(), "conformance-"));
  readonly double: FlyDouble;

  constructor(readonly name: "real" | "double") {
    this.double = new FlyDouble(this.dir, [ORG]);
  }

  get flyctl(): string {
    return this.name === "real" ? this.double.flyctl : FAKE_FLYCTL;
  }

  async run(args: string[], stdin?: string): Promise<Collected> {
    if (this.name === "real") await this.double.start();
    return spawnCollect(this.flyctl, args, {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FAKE_FLY_STATE_DIR: this.dir, FLY_API_TOKEN: TOKEN },
      stdin,
    }).done;
  }

  async close(): Promise<void> {
    await this.run(["apps", "destroy", APP, "--yes"]).catch(() => undefined);
    await this.double.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const text = (r: Collected) => `${r.stdout}\n${r.stderr}`;
const json = <T = unknown>(r: Collected): T => JSON.parse(r.stdout) as T;
const machineIdOf = (r: Collected) => /Machine ID: (\w+)/.exec(r.stdout)?.[1] ?? "";

describeReal("conformance: real flyctl against the fake Fly API vs the fake-flyctl double", () => {
  const real = new World("real");
  const double = new World("double");
  afterAll(async () => {
    await Promise.all([real.close(), double.close()]);
  });

  /** Runs one call in both worlds (args may depend on the world), checks the exit codes agree. */
  async function both(args: (w: World) => string[], stdin?: string): Promise<{ real: Collected; double: Collected }> {
    const r = await real.run(args(real), stdin);
    const d = await double.run(args(double), stdin);
    const label = args(real).join(" ");
    expect({ call: label, exit: r.code, output: r.code === d.code ? "" : text(r) }).toEqual({
      call: label,
      exit: d.code,
      output: r.code === d.code ? "" : text(r),
    });
    return { real: r, double: d };
  }

  function sameShape(r: Collected, d: Collected, what: string): void {
    expect({ what, diff: shapeDiff(shapeOf(json(r)), shapeOf(json(d))) }).toEqual({ what, diff: [] });
  }

  it("apps list on an empty org: exit 0, a JSON array", async () => {
    const { real: r, double: d } = await both(() => ["apps", "list", "--org", ORG, "--json"]);
    expect(json(r)).toEqual([]);
    expect(json(d)).toEqual([]);
  });

  it("apps create, then apps list: the product reads Name (and Organization.Slug)", async () => {
    await both(() => ["apps", "create", APP, "--org", ORG, "--json"]);
    const { real: r, double: d } = await both(() => ["apps", "list", "--org", ORG, "--json"]);
    const read = (out: Collected) =>
      json<Array<{ Name: string; Organization: { Slug: string } }>>(out).map((a) => [a.Name, a.Organization.Slug]);
    expect(read(r)).toEqual([[APP, ORG]]);
    expect(read(d)).toEqual(read(r));
  });

  it("apps create of a taken name: non-zero with the text the app step matches", async () => {
    const { real: r, double: d } = await both(() => ["apps", "create", APP, "--org", ORG, "--json"]);
    expect(r.code).not.toBe(0);
    for (const out of [r, d]) expect(text(out)).toMatch(/Name has already been taken/i);
  });

  it("secrets import --stage over stdin, secrets list --json, secrets unset --stage", async () => {
    const stdin = 'ALPHA="one"\nBETA="""two\nlines"""\nGAMMA="it\'s $HOME"\n';
    await both(() => ["secrets", "import", "--app", APP, "--stage"], stdin);
    const { real: r, double: d } = await both(() => ["secrets", "list", "--app", APP, "--json"]);
    sameShape(r, d, "secrets list");
    const names = (out: Collected) => json<Array<Record<string, string>>>(out).map((s) => s.name);
    expect(names(r)).toEqual(["ALPHA", "BETA", "GAMMA"]);
    expect(names(d)).toEqual(names(r));
    await both(() => ["secrets", "unset", "GAMMA", "--app", APP, "--stage"]);
    const after = await both(() => ["secrets", "list", "--app", APP, "--json"]);
    expect(names(after.real)).toEqual(["ALPHA", "BETA"]);
    expect(names(after.double)).toEqual(["ALPHA", "BETA"]);
  });

  const runArgs = (name: string, script: string) => [
    "machine",
    "run",
    IMAGE,
    "--app",
    APP,
    "--name",
    name,
    "--region",
    "iad",
    "--restart",
    "no",
    "--vm-memory",
    "1024",
    "--env",
    "POSTGRES_STATEMENT_TIMEOUT=600s",
    "--metadata",
    "chatwoot_role=migration",
    "--",
    "/bin/sh",
    "-c",
    script,
    "migrate",
  ];
  const ids = new Map<World, Record<string, string>>();
  const idOf = (w: World, name: string) => ids.get(w)?.[name] ?? "";

  /**
   * The scripts outlive flyctl's first wait for "started": a command quicker than that makes real
   * flyctl exit 1 (the fake API's wait assumption; steps/migrate.ts reads the exit event then, which
   * tests/integration/steps.test.ts covers), and when it is that quick is a race, not a contract.
   */
  async function runMachine(name: string, script: string): Promise<void> {
    const { real: r, double: d } = await both(() => runArgs(name, script));
    ids.set(real, { ...ids.get(real), [name]: machineIdOf(r) });
    ids.set(double, { ...ids.get(double), [name]: machineIdOf(d) });
  }

  it("machine run, machine wait --state stopped, machine list --json: exit code 0 reads as the product reads it", async () => {
    await runMachine("migrate-ok", "sleep 1; exit 0");
    await both((w) => ["machine", "wait", idOf(w, "migrate-ok"), "--app", APP, "--state", "stopped", "--wait-timeout", "60s"]);
    const { real: r, double: d } = await both(() => ["machine", "list", "--app", APP, "--json"]);
    sameShape(r, d, "machine list");
    type Listed = {
      name: string;
      state: string;
      config: { metadata: Record<string, string> };
      events: Array<{ type: string; request?: { exit_event?: Record<string, unknown> } }>;
    };
    for (const out of [r, d]) {
      const m = json<Listed[]>(out).find((x) => x.name === "migrate-ok");
      expect(m).toMatchObject({ state: "stopped", config: { metadata: { chatwoot_role: "migration" } } });
      const exit = m?.events.find((e) => e.type === "exit")?.request?.exit_event;
      expect(exit).toBeDefined();
      // fly-go's MachineExitEvent.exit_code is omitempty: exit code 0 is absent (steps/migrate.ts reads absent as 0).
      expect(exit).not.toHaveProperty("exit_code");
    }
  });

  it("a migration exiting 3: its exit event carries exit_code 3 in both", async () => {
    await runMachine("migrate-three", "sleep 1; exit 3");
    await both((w) => ["machine", "wait", idOf(w, "migrate-three"), "--app", APP, "--state", "stopped", "--wait-timeout", "60s"]);
    const { real: r, double: d } = await both(() => ["machine", "list", "--app", APP, "--json"]);
    sameShape(r, d, "machine list");
    for (const out of [r, d]) {
      const m = json<Array<{ name: string; events: Array<{ type: string; request?: { exit_event?: { exit_code?: number } } }> }>>(out).find(
        (x) => x.name === "migrate-three",
      );
      expect(m?.events.find((e) => e.type === "exit")?.request?.exit_event?.exit_code).toBe(3);
    }
  });

  it("machine wait past its timeout: non-zero, naming the state it did not reach", async () => {
    await runMachine("migrate-slow", "sleep 30");
    const { real: r, double: d } = await both((w) => [
      "machine",
      "wait",
      idOf(w, "migrate-slow"),
      "--app",
      APP,
      "--state",
      "stopped",
      "--wait-timeout",
      "3s",
    ]);
    expect(r.code).not.toBe(0);
    for (const out of [r, d]) expect(text(out)).toContain(`did not reach "stopped" within 3s`);
  });

  it("machine stop, then machine wait --state stopped: how the counts step lowers a group", async () => {
    const { real: r, double: d } = await both((w) => ["machine", "stop", idOf(w, "migrate-slow"), "--app", APP]);
    for (const [w, out] of [
      [real, r],
      [double, d],
    ] as const)
      expect(out.stdout).toContain(`${idOf(w, "migrate-slow")} has been successfully stopped`);
    await both((w) => ["machine", "wait", idOf(w, "migrate-slow"), "--app", APP, "--state", "stopped", "--wait-timeout", "30s"]);
    const { real: lr, double: ld } = await both(() => ["machine", "list", "--app", APP, "--json"]);
    for (const out of [lr, ld])
      expect(json<Array<{ name: string; state: string }>>(out).find((m) => m.name === "migrate-slow")?.state).toBe("stopped");
  });

  it("machine destroy --force, then again: the second fails with the text the migration step matches", async () => {
    for (const name of ["migrate-ok", "migrate-three", "migrate-slow"])
      await both((w) => ["machine", "destroy", idOf(w, name), "--app", APP, "--force"]);
    const { real: r, double: d } = await both((w) => ["machine", "destroy", idOf(w, "migrate-ok"), "--app", APP, "--force"]);
    expect(r.code).not.toBe(0);
    for (const out of [r, d]) expect(text(out)).toMatch(/not found|could not be retrieved/i);
    const list = await both(() => ["machine", "list", "--app", APP, "--json"]);
    expect(json(list.real)).toEqual([]);
    expect(json(list.double)).toEqual([]);
  });

  it("deploy of the stack's fly.toml, then scale count: same exit codes, machines and process groups", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conformance-toml-"));
    const file = join(dir, "fly.toml");
    const plan = planOf(stagingWith({ app: { name: APP }, rails: { railsMaxThreads: 1, sidekiqConcurrency: 2 } }));
    writeFileSync(file, plan.flyToml);
    // No database here: the Chatwoot stand-ins retry a missing one and keep serving their health check.
    await both(
      () => ["secrets", "import", "--app", APP, "--stage"],
      `REDIS_URL="redis://127.0.0.1:6379/14"\nDATABASE_URL="postgres://nobody@127.0.0.1:1/none"\n`,
    );
    await both(() => ["deploy", "--app", APP, "--image", IMAGE, "--config", file, "--strategy", "rolling", "--ha=false", "--yes"]);
    const groups = (out: Collected) =>
      json<Array<{ config: { metadata?: Record<string, string> } }>>(out)
        .map((m) => m.config.metadata?.fly_process_group ?? "none")
        .sort();
    const deployed = await both(() => ["machine", "list", "--app", APP, "--json"]);
    // The double runs no Fly proxy: it lists neither the services of fly.toml nor their checks
    // (its README, "Not emulated"); the product reads neither.
    const withoutProxy = (out: Collected): Collected => ({
      ...out,
      stdout: JSON.stringify(
        json<Array<Record<string, unknown> & { config: Record<string, unknown> }>>(out).map((m) => {
          const copy = structuredClone(m);
          delete copy.checks;
          delete copy.config.services;
          return copy;
        }),
      ),
    });
    sameShape(withoutProxy(deployed.real), withoutProxy(deployed.double), "machine list after deploy");
    expect(groups(deployed.real)).toEqual(["web", "worker"]);
    expect(groups(deployed.double)).toEqual(groups(deployed.real));
    await both(() => ["scale", "count", "web=0", "worker=0", "--app", APP, "--yes"]);
    const again = await both(() => ["scale", "count", "web=0", "worker=0", "--app", APP, "--yes"]);
    for (const out of [again.real, again.double]) expect(text(out)).toContain("App already scaled to desired state");
    const scaled = await both(() => ["machine", "list", "--app", APP, "--json"]);
    expect(groups(scaled.real)).toEqual([]);
    expect(groups(scaled.double)).toEqual([]);
    // The rollout step's deploy: --update-only leaves groups without machines alone, and scale count
    // creates them from the release's fly.toml. A plain deploy would give each group a machine.
    const deployArgs = ["deploy", "--app", APP, "--image", IMAGE, "--config", file, "--strategy", "rolling", "--ha=false"];
    await both(() => [...deployArgs, "--update-only", "--yes"]);
    const updateOnly = await both(() => ["machine", "list", "--app", APP, "--json"]);
    expect([groups(updateOnly.real), groups(updateOnly.double)]).toEqual([[], []]);
    await both(() => ["scale", "count", "web=1", "worker=1", "--app", APP, "--yes"]);
    const created = await both(() => ["machine", "list", "--app", APP, "--json"]);
    expect([groups(created.real), groups(created.double)]).toEqual([
      ["web", "worker"],
      ["web", "worker"],
    ]);
    await both(() => ["scale", "count", "web=0", "worker=0", "--app", APP, "--yes"]);
    await both(() => [...deployArgs, "--yes"]);
    const plain = await both(() => ["machine", "list", "--app", APP, "--json"]);
    expect([groups(plain.real), groups(plain.double)]).toEqual([
      ["web", "worker"],
      ["web", "worker"],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("apps destroy --yes: gone from apps list", async () => {
    await both(() => ["apps", "destroy", APP, "--yes"]);
    const { real: r, double: d } = await both(() => ["apps", "list", "--org", ORG, "--json"]);
    expect(json(r)).toEqual([]);
    expect(json(d)).toEqual([]);
  });
});
