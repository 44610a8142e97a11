/**
 * The real engine on the staging stack: `pulumi preview` with the policy pack, through the CLI and
 * Node language host that toolchain/env.sh puts on PATH (built by toolchain/build.sh), and the
 * provider plugins it finds there (the stand-ins of testing/doubles/plugin-standins when no real
 * pulumi-resource-command / -random exists). Preview runs no Command, so no flyctl is needed.
 *
 * Everything stateful lives in a temp dir: a file backend, PULUMI_HOME, and the stack's config files
 * (`--config-file`, copied from tests/fixtures/staging.yaml, placeholder secrets). The project dir is the repo;
 * `pulumi stack init` runs in a temp copy of Pulumi.yaml because it writes the passphrase salt to
 * Pulumi.<stack>.yaml of its project dir.
 *
 * Policy pack: `--policy-pack policies`, which the language host runs natively (RunPlugin starts the
 * pack's run-policy-pack entry point).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnCollect, type Collected } from "../../testing/local/spawnCollect";
import { STAGING_FIXTURE } from "../support/configs";

const REPO = join(__dirname, "..", "..");
const POLICIES = join(REPO, "policies");
const STACK = `preview-test-${process.pid}`;

jest.setTimeout(240_000);

type Run = Collected;

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 200_000): Promise<Run> =>
  spawnCollect(cmd, args, { env, cwd: REPO, timeoutMs }).done;

/** Engine events of `pulumi preview --json` with PULUMI_ENABLE_STREAMING_JSON_PREVIEW (one JSON object a line). */
interface EngineEvent {
  resourcePreEvent?: { metadata: { op: string; type: string; urn: string } };
  policyEvent?: { resourceUrn?: string; message: string; policyName: string; enforcementLevel: string };
  diagnosticEvent?: { message: string; severity: string };
}

interface Preview extends Run {
  events: EngineEvent[];
  /** Planned resources by type (provider resources left out). */
  types: Record<string, number>;
  policies: NonNullable<EngineEvent["policyEvent"]>[];
  /** stdout, stderr and every event message, for error text. */
  text: string;
}

function parsePreview(result: Run): Preview {
  const events: EngineEvent[] = [];
  for (const line of result.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // not an event line
    }
  }
  const types: Record<string, number> = {};
  for (const e of events) {
    const type = e.resourcePreEvent?.metadata.type;
    if (type && !type.startsWith("pulumi:providers:")) types[type] = (types[type] ?? 0) + 1;
  }
  const policies = events.flatMap((e) => (e.policyEvent ? [e.policyEvent] : []));
  const messages = events.flatMap((e) => [e.policyEvent?.message, e.diagnosticEvent?.message]).filter(Boolean);
  return { ...result, events, types, policies, text: [result.stdout, result.stderr, ...messages].join("\n") };
}

/** The components and Commands every staging preview plans (secretKeyBase decides the RandomPassword). */
const STAGING_TYPES = {
  "pulumi:pulumi:Stack": 1,
  "chatwoot:index:ChatwootDeployment": 1,
  "chatwoot:fly:FlyApp": 1,
  "chatwoot:fly:FlySecrets": 1,
  "chatwoot:fly:MigrationMachine": 1,
  "chatwoot:fly:FlyRollout": 1,
  "chatwoot:fly:MachineCounts": 2, // chatwoot-scale-down before the migration, chatwoot-counts after the rollout
  "chatwoot:database:ChatwootDatabase": 1,
  // The Fly resources the project's provider serves, and the migration's one-off Command.
  "chatwoot-fly:index:App": 1,
  "chatwoot-fly:index:AppSecrets": 1,
  "chatwoot-fly:index:Release": 1,
  "chatwoot-fly:index:ProcessGroupCounts": 2,
  "command:local:Command": 1,
};
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

let tmp = "";
let env: NodeJS.ProcessEnv = {};
const configs = { staging: "", noKey: "", incident: "", ci: "" };

const pulumi = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => run("pulumi", args, { ...env, ...extraEnv });

async function mustPulumi(args: string[]): Promise<Run> {
  const result = await pulumi(args);
  if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

async function preview(label: string, configFile: string, extra: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<Preview> {
  const args = (pack: string) => [
    "preview",
    "-C",
    REPO,
    "--stack",
    STACK,
    "--config-file",
    configFile,
    "--policy-pack",
    pack,
    "--json",
    "--non-interactive",
    ...extra,
  ];
  const streaming = { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" };
  const result = await pulumi(args(POLICIES), { ...streaming, ...extraEnv });
  console.log(`pulumi preview (${label}): ${result.seconds.toFixed(1)}s, exit ${result.code}`);
  return parsePreview(result);
}

/** A failed preview fails the test with the engine's own words. */
function expectSuccess(p: Preview): void {
  if (p.code !== 0) throw new Error(`pulumi preview exited ${p.code}:\n${p.text}`);
}

beforeAll(async () => {
  for (const dep of ["@pulumi/policy", "@pulumi/pulumi/cmd/run-policy-pack"]) {
    if (!existsSync(join(POLICIES, "node_modules", dep))) {
      throw new Error(
        `the policy pack's dependencies are missing (${join(POLICIES, "node_modules", dep)}): run \`npm ci --prefix policies\` first`,
      );
    }
  }

  tmp = mkdtempSync(join(tmpdir(), "chatwoot-preview-"));
  const home = join(tmp, "home");
  const state = join(tmp, "state");
  const project = join(tmp, "project");
  for (const dir of [home, state, project]) mkdirSync(dir);

  // The environment toolchain/env.sh sets up (toolchain and, when needed, stand-in plugins on PATH).
  const base: NodeJS.ProcessEnv = { ...process.env, PULUMI_HOME: home };
  for (const k of ["PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_STACK", "PULUMI_ACCESS_TOKEN"]) delete base[k];
  const sourced = await run("bash", ["-c", ". toolchain/env.sh >/dev/null && env -0"], base, 900_000);
  if (sourced.code !== 0) throw new Error(`sourcing toolchain/env.sh failed:\n${sourced.stderr}`);
  if (sourced.stderr.trim()) console.log(`toolchain/env.sh: ${sourced.stderr.trim()}`);
  env = Object.fromEntries(
    sourced.stdout
      .split("\0")
      .filter((entry) => entry.includes("="))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
  Object.assign(env, { PULUMI_HOME: home, PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE: "preview-test-throwaway" });

  // The stack, initialized outside the repo; its salt goes into our config files.
  copyFileSync(join(REPO, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  await mustPulumi(["stack", "init", STACK, "--non-interactive", "-C", project]);
  const salt = readFileSync(join(project, `Pulumi.${STACK}.yaml`), "utf8").match(/^encryptionsalt: .*$/m)?.[0];
  if (!salt) throw new Error("pulumi stack init wrote no encryptionsalt");

  configs.staging = join(tmp, "staging.yaml");
  const staging = readFileSync(STAGING_FIXTURE, "utf8");
  writeFileSync(configs.staging, `${staging.endsWith("\n") ? staging : `${staging}\n`}${salt}\n`);
  // What the workflows start from: the committed stack file, no secret in it.
  configs.ci = join(tmp, "ci.yaml");
  copyFileSync(configs.staging, configs.ci);
  const set = (file: string, ...args: string[]) => mustPulumi(["config", ...args, "-C", REPO, "--stack", STACK, "--config-file", file]);
  await set(configs.staging, "set", "--secret", "chatwoot:databasePassword", "placeholder-database-password");
  await set(configs.staging, "set", "--secret", "chatwoot:redisUrl", "rediss://default:placeholder@redis.example:6379");
  await set(configs.staging, "set", "--secret", "chatwoot:secretKeyBase", "placeholder".repeat(8));
  await set(configs.staging, "set", "--secret", "chatwoot:flyApiToken", "placeholder-fly-api-token");
  await set(configs.staging, "set", "--secret", "chatwoot:storageAccessKeyId", "placeholder-storage-key-id");
  await set(configs.staging, "set", "--secret", "chatwoot:storageSecretAccessKey", "placeholder-storage-secret-key");

  configs.noKey = join(tmp, "staging-no-secret-key-base.yaml");
  copyFileSync(configs.staging, configs.noKey);
  await set(configs.noKey, "rm", "chatwoot:secretKeyBase");

  // The incident's misconfiguration: the migration on the app's session pool.
  configs.incident = join(tmp, "incident.yaml");
  copyFileSync(configs.staging, configs.incident);
  await set(configs.incident, "set", "--path", "chatwoot:database.migrations", "session");
}, 900_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("pulumi preview of the staging stack with the policy pack", () => {
  test("passes and plans the components and 6 Commands; the pack reports pool-headroom", async () => {
    const p = await preview("staging", configs.staging);
    expectSuccess(p);
    expect(p.types).toEqual(STAGING_TYPES);
    expect(p.events.filter((e) => e.resourcePreEvent).every((e) => e.resourcePreEvent?.metadata.op === "create")).toBe(true);
    const headroom = p.policies.filter((e) => e.policyName === "pool-headroom");
    expect(headroom.length).toBeGreaterThan(0);
    expect(headroom.every((e) => e.enforcementLevel === "advisory")).toBe(true);
    expect(p.policies.filter((e) => e.enforcementLevel === "mandatory")).toEqual([]);
  });

  test("the program starts through build/preload.js (Pulumi.yaml nodeargs): the harness's source-map hook is never installed, the deferred modules never load", async () => {
    const probes = mkdtempSync(join(tmp, "probes-"));
    const probe = join(REPO, "tests", "support", "nodeProbe.js");
    expectSuccess(await preview("staging, probed", configs.staging, [], { NODE_OPTIONS: `--require ${probe}`, NODE_PROBE_DIR: probes }));
    const processes = readdirSync(probes).map(
      (f) => JSON.parse(readFileSync(join(probes, f), "utf8")) as { entry: string; hook: string | null; loaded: string[] },
    );
    const program = processes.filter((p) => p.entry.endsWith(join("@pulumi", "pulumi", "cmd", "run", "index.js")));
    // source-map-support names its hook prepareStackTrace; the pack's process (not ours to start) keeps it.
    expect(program).toEqual([{ entry: expect.stringContaining(REPO), hook: expect.not.stringMatching(/^prepareStackTrace$/), loaded: [] }]);
  });

  test("--diff shows the Deployment's plan field by field: the CLI decodes its JSON text (lib/planInput.ts)", async () => {
    const result = await pulumi(["preview", "-C", REPO, "--stack", STACK, "--config-file", configs.staging, "--diff", "--non-interactive"]);
    if (result.code !== 0) throw new Error(`pulumi preview --diff exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    const deployment = result.stdout.slice(result.stdout.indexOf("chatwoot:index:ChatwootDeployment"));
    expect(deployment).toMatch(/^chatwoot:index:ChatwootDeployment: \(create\)\n.*\n\s+plan: \(json\) \{\n/);
    // Nested keys each on their own line, as an object's would be, not one escaped string.
    expect(deployment).toMatch(/\n\s+app\s+: \{\n(\s+\w+\s*: .*\n)*\s+primaryRegion\s*: "iad"\n/);
    expect(deployment).not.toContain('{\\"app\\"');
  });

  test("without chatwoot:secretKeyBase it also plans the RandomPassword", async () => {
    const p = await preview("staging, no secretKeyBase", configs.noKey);
    expectSuccess(p);
    expect(p.types).toEqual({ ...STAGING_TYPES, [RANDOM_PASSWORD]: 1 });
  });

  test("fails on the incident's misconfiguration (database.migrations: session)", async () => {
    const p = await preview("incident: migrations on the session pool", configs.incident);
    expect(p.code).not.toBe(0);
    expect(p.text).toContain("session-pool-capacity");
    const capacity = p.policies.filter((e) => e.policyName === "session-pool-capacity");
    expect(capacity.map((e) => e.enforcementLevel)).toContain("mandatory");
    expect(capacity.map((e) => e.message).join("\n")).toContain("peaks at 16 clients but pool_size is 15");
  });

  test("--policy-pack-config can lower a policy's enforcement level", async () => {
    const levels = join(tmp, "policy-config.json");
    writeFileSync(levels, JSON.stringify({ "session-pool-capacity": "advisory", "migrations-off-shared-session-pool": "advisory" }));
    const p = await preview("incident, capacity policies advisory", configs.incident, ["--policy-pack-config", levels]);
    expectSuccess(p);
    const capacity = p.policies.filter((e) => e.policyName === "session-pool-capacity");
    expect(capacity.map((e) => e.enforcementLevel)).toEqual(["advisory"]);
  });

  test("CI's way: credentials from the environment's variables (npm run ci-secrets), no Fly token at all", async () => {
    // Values the tool must pass byte for byte: quotes, a #, a shell expansion, a trailing newline.
    const CI_SECRETS = {
      CHATWOOT_DATABASE_PASSWORD: `ci-db-pw "quoted" #not-a-comment $(id) \\ ü`,
      CHATWOOT_REDIS_URL: "rediss://default:ci-redis-secret@redis.example:6379",
      CHATWOOT_STORAGE_ACCESS_KEY_ID: "ci-storage-key-id",
      CHATWOOT_STORAGE_SECRET_ACCESS_KEY: "ci-storage-secret\n",
      CHATWOOT_SECRET_ENV: JSON.stringify({ SMTP_PASSWORD: "ci-smtp 'pw'\nline two" }),
    };
    const ciSecrets = (extra: NodeJS.ProcessEnv) =>
      run("node", ["-r", "ts-node/register/transpile-only", "tools/ci-secrets/cli.ts", "--stack", STACK, "--config-file", configs.ci], {
        ...env,
        ...extra,
      });
    const values = [...Object.values(CI_SECRETS).slice(0, 4), "ci-smtp 'pw'\nline two"];
    const before = readFileSync(configs.ci, "utf8");

    const malformed = await ciSecrets({ ...CI_SECRETS, CHATWOOT_SECRET_ENV: "SMTP_PASSWORD=ci-malformed-secret" });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("CHATWOOT_SECRET_ENV must hold a JSON object of env name to string value");
    expect(malformed.stdout + malformed.stderr).not.toContain("ci-malformed-secret");
    expect(readFileSync(configs.ci, "utf8")).toBe(before);

    const written = await ciSecrets(CI_SECRETS);
    expect(written.stderr).toBe("");
    expect(written.code).toBe(0);
    expect(written.stdout).toContain("chatwoot:secretEnv.SMTP_PASSWORD set from CHATWOOT_SECRET_ENV.SMTP_PASSWORD (secret)");
    const file = readFileSync(configs.ci, "utf8");
    for (const value of values) {
      expect(written.stdout).not.toContain(value.trim());
      expect(file).not.toContain(value.trim());
    }
    const get = async (key: string) => {
      const got = await mustPulumi(["config", "get", "--path", key, "--json", "-C", REPO, "--stack", STACK, "--config-file", configs.ci]);
      return JSON.parse(got.stdout) as { value: string; secret: boolean };
    };
    expect(await get("chatwoot:databasePassword")).toEqual({ value: CI_SECRETS.CHATWOOT_DATABASE_PASSWORD, secret: true });
    expect(await get("chatwoot:storageSecretAccessKey")).toEqual({ value: "ci-storage-secret\n", secret: true });
    expect(await get("chatwoot:secretEnv.SMTP_PASSWORD")).toMatchObject({ value: "ci-smtp 'pw'\nline two" });

    // Node leaves a variable set to undefined out of the child's environment.
    const p = await preview("CI's config, no Fly token", configs.ci, [], { FLY_API_TOKEN: undefined });
    expectSuccess(p);
    expect(p.types).toEqual({ ...STAGING_TYPES, [RANDOM_PASSWORD]: 1 });
    expect(p.policies.filter((e) => e.enforcementLevel === "mandatory")).toEqual([]);
  });

  test("left the repo's stack config files alone", () => {
    expect(existsSync(join(REPO, `Pulumi.${STACK}.yaml`))).toBe(false);
  });
});
