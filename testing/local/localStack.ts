/**
 * The local stack: PostgreSQL + two PgBouncers (Supabase's session and transaction poolers), the
 * flyctl stand-in, a file backend under .state/, and the real Pulumi engine on PATH (toolchain/env.sh).
 * Used by the main job (testing/local/main.ts) and the end-to-end tests.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Client } from "pg";
import { parse, stringify } from "yaml";
import { FlyDouble } from "../doubles/fake-fly-api/src/harness";
import { readCalls, type CallRecord } from "../doubles/fake-flyctl/src/calllog";
import { readState, type Machine } from "../doubles/fake-flyctl/src/store";
import { findLeaks, type Leak } from "./leakScan";
import { PgBouncer } from "./pgbouncer";
import { processesWith, STEP_OR_FLYCTL } from "./processes";
import { S3Server } from "../s3/server";
import { spawnCollect, type Collected, type Started } from "./spawnCollect";

export const REPO = join(__dirname, "..", "..");
const STACK = "local";

export type CommandResult = Collected;

export interface StackOverrides {
  image?: string;
  migrations?: "direct" | "session" | "transaction";
  webMemoryMb?: number;
  workerCount?: number;
  migration?: { command?: string[]; timeoutSeconds?: number };
  /** Port of the direct endpoint (a closed port makes the database unreachable). */
  directPort?: number;
  frontendUrl?: string;
  extraEnv?: Record<string, string>;
  flyctlTimeoutSeconds?: number;
  /** Attachments on the machines' disks instead of the local S3 server (the policy refuses it). */
  localStorage?: boolean;
  /** migration.extensions (the template leaves out vector: this PostgreSQL has no pgvector). */
  extensions?: string[];
  /**
   * database.admin.enabled: the stack creates `appRole` (CONNECTION LIMIT, extensions) as `user`
   * (default postgres) on the direct endpoint. Every endpoint then connects as that role (config
   * validation requires it), and web and worker use the direct endpoint: the PgBouncers know only
   * their own role.
   */
  admin?: { appRole: string; user?: string };
}

/** The bucket of the local S3 server that the local stack keeps its attachments in. */
export const ATTACHMENTS_BUCKET = "chatwoot-local-attachments";

export interface LocalStackOptions {
  /** Password of the stack's database role (default random): tests use awkward ones. */
  databasePassword?: string;
  /** Which Fly.io stand-in to drive (FlyDouble): real flyctl against the fake Fly API unless "fake-flyctl". */
  fly?: "fake-flyctl";
}

/** A command started in the stack's environment, and its result once it exits. */
export type Running = Started;

/** How often the process list is sampled while a command runs (for the leak scan of argv). */
const PROCESS_SAMPLE_MS = 200;

export class LocalStack {
  readonly stateDir: string;
  readonly fakeFlyDir: string;
  /** Fly.io: real flyctl against the fake Fly API, or the fake-flyctl double when flyctl is missing. */
  readonly fly: FlyDouble;
  readonly session: PgBouncer;
  transaction?: PgBouncer;
  /** The S3-compatible server the attachments go to (stands in for Tigris or Supabase Storage). */
  readonly s3 = new S3Server();
  /** Every secret value this stack was given, for leak checks. */
  readonly secretValues: string[] = [];
  /** Everything the engine printed, in order. */
  readonly transcript: string[] = [];
  /**
   * The project the engine runs: this checkout, or another version of it (an upgrade test deploys
   * with an earlier commit's tree first). The policy pack comes from the same tree.
   */
  projectDir = REPO;
  /** The last exported state (set by callers that export it). */
  lastState = "";
  /** Every distinct command line seen on this machine while the stack's commands ran. */
  readonly processLines = new Set<string>();
  private env: NodeJS.ProcessEnv = {};
  private configFile = "";

  constructor(stateDir = join(REPO, ".state"), options: LocalStackOptions = {}) {
    this.stateDir = stateDir;
    this.fakeFlyDir = join(stateDir, "fly");
    // The org of stack-template.yaml (chatwoot:fly.org).
    this.fly = new FlyDouble(this.fakeFlyDir, ["local"], options.fly);
    this.session = new PgBouncer({
      poolMode: "session",
      defaultPoolSize: 15,
      maxClientConn: 15,
      queryWaitTimeout: 10,
      password: options.databasePassword,
    });
  }

  /** Starts the poolers and prepares the backend, passphrase and stack (fresh each run). */
  async start(): Promise<void> {
    rmSync(this.stateDir, { recursive: true, force: true });
    for (const dir of [this.stateDir, this.fakeFlyDir, join(this.stateDir, "backend"), join(this.stateDir, "project")])
      mkdirSync(dir, { recursive: true });
    await this.fly.start();
    await this.session.start();
    await this.s3.start();
    await this.s3.createBucket(ATTACHMENTS_BUCKET);
    // Supabase ships pg_stat_statements installed; the migration's role (no superuser) could not create it.
    const admin = new Client({ host: "127.0.0.1", port: 5432, user: "postgres", database: this.session.database });
    await admin.connect();
    await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").finally(() => admin.end());
    this.transaction = await new PgBouncer({
      poolMode: "transaction",
      defaultPoolSize: 15,
      maxClientConn: 200,
      account: { user: this.session.user, password: this.session.password, database: this.session.database },
    }).start();
    const passphraseFile = join(this.stateDir, "passphrase");
    writeFileSync(passphraseFile, randomBytes(24).toString("base64url"), { mode: 0o600 });
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${join(this.stateDir, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
      PULUMI_HOME: join(this.stateDir, "pulumi-home"),
      FAKE_FLY_STATE_DIR: this.fakeFlyDir,
      FLY_API_TOKEN: "",
      FAKE_FLY_CHECK_TIMEOUT_MS: "60000",
    };
    delete this.env.PULUMI_CONFIG_PASSPHRASE;
    // `stack init` writes Pulumi.local.yaml (with the salt) into its project dir: a copy, not the repo.
    copyFileSync(join(REPO, "Pulumi.yaml"), join(this.stateDir, "project", "Pulumi.yaml"));
    await this.must("pulumi", ["stack", "init", STACK, "--non-interactive", "-C", join(this.stateDir, "project")]);
    this.configFile = join(this.stateDir, "Pulumi.local.yaml");
    this.writeConfig({});
    await this.setSecret("databasePassword", this.session.password);
    await this.setSecret("redisUrl", "redis://127.0.0.1:6379/0");
    await this.setSecret("flyApiToken", `local-${randomBytes(12).toString("hex")}`);
    await this.setSecret("storageAccessKeyId", this.s3.accessKeyId);
    await this.setSecret("storageSecretAccessKey", this.s3.secretAccessKey);
  }

  /** Renders .state/Pulumi.local.yaml from stack-template.yaml beside this file, keeping secrets and the salt. */
  writeConfig(overrides: StackOverrides): void {
    const template = parse(readFileSync(join(__dirname, "stack-template.yaml"), "utf8")) as { config: Record<string, unknown> };
    const previous = existsSync(this.configFile)
      ? (parse(readFileSync(this.configFile, "utf8")) as { config?: Record<string, unknown>; encryptionsalt?: string })
      : undefined;
    const salt =
      previous?.encryptionsalt ??
      readFileSync(join(this.stateDir, "project", `Pulumi.${STACK}.yaml`), "utf8").match(/^encryptionsalt: (.*)$/m)?.[1];
    const config = template.config;
    const db = config["chatwoot:database"] as {
      name: string;
      endpoints: Record<string, { port: number; user: string }>;
      migrations: string;
      app: string;
      admin?: { enabled: boolean; user: string; appRole: string };
    };
    db.name = this.session.database;
    for (const endpoint of Object.values(db.endpoints)) endpoint.user = this.session.user;
    db.endpoints.session.port = this.session.port;
    db.endpoints.transaction.port = this.transaction!.port;
    if (overrides.migrations) db.migrations = overrides.migrations;
    if (overrides.image) config["chatwoot:image"] = overrides.image;
    const processes = config["chatwoot:processes"] as Record<"web" | "worker", { memoryMb: number; count: number }>;
    if (overrides.webMemoryMb) processes.web.memoryMb = overrides.webMemoryMb;
    if (overrides.workerCount !== undefined) processes.worker.count = overrides.workerCount;
    if (overrides.migration) config["chatwoot:migration"] = { ...(config["chatwoot:migration"] as object), ...overrides.migration };
    if (overrides.directPort) db.endpoints.direct.port = overrides.directPort;
    if (overrides.frontendUrl) config["chatwoot:frontendUrl"] = overrides.frontendUrl;
    if (overrides.extraEnv) config["chatwoot:rails"] = { extraEnv: overrides.extraEnv };
    if (overrides.admin) {
      db.admin = { enabled: true, user: overrides.admin.user ?? "postgres", appRole: overrides.admin.appRole };
      for (const endpoint of Object.values(db.endpoints)) endpoint.user = overrides.admin.appRole;
      db.app = "direct";
    }
    if (overrides.flyctlTimeoutSeconds) config["chatwoot:deploy"] = { flyctlTimeoutSeconds: overrides.flyctlTimeoutSeconds };
    if (overrides.extensions)
      config["chatwoot:migration"] = { ...(config["chatwoot:migration"] as object), extensions: overrides.extensions };
    config["chatwoot:storage"] = overrides.localStorage
      ? { service: "local" }
      : { service: "s3_compatible", bucket: ATTACHMENTS_BUCKET, endpoint: this.s3.endpoint, region: this.s3.region, forcePathStyle: true };
    config["chatwoot:flyctl"] = this.fly.flyctl;
    for (const [key, value] of Object.entries(previous?.config ?? {})) {
      if (typeof value === "object" && value !== null && "secure" in value) config[key] = value;
    }
    writeFileSync(this.configFile, stringify({ encryptionsalt: salt, config }));
  }

  /** Sets a secret of the stack (value on stdin, never argv); `key` is a path (`secretEnv.NAME`). */
  setSecret(key: string, value: string): Promise<CommandResult> {
    this.secretValues.push(value);
    // The test command scans its own output for every secret the tests used (scripts/test.sh).
    if (process.env.CHATWOOT_LEAK_LIST) appendFileSync(process.env.CHATWOOT_LEAK_LIST, `${JSON.stringify(value)}\n`, { mode: 0o600 });
    return this.must(
      "pulumi",
      ["config", "set", "--secret", "--path", `chatwoot:${key}`, "--stack", STACK, "--config-file", this.configFile, "-C", this.projectDir],
      value,
    );
  }

  private common(): string[] {
    return ["--stack", STACK, "--config-file", this.configFile, "-C", this.projectDir, "--non-interactive"];
  }

  /** `pulumi preview --diff`; `extra` are further flags (e.g. `--policy-pack-config FILE`). */
  preview(withPolicyPack: boolean, extra: string[] = []): Promise<CommandResult> {
    return this.run("pulumi", ["preview", ...this.common(), ...this.pack(withPolicyPack), "--diff", ...extra]);
  }

  up(withPolicyPack: boolean): Promise<CommandResult> {
    return this.startUp(withPolicyPack).done;
  }

  /**
   * Starts `pulumi up` and returns at once (tests interrupt it or run a second one beside it). In its
   * own process group, the engine, its plugins and the steps can be killed at once, as when a CI
   * runner dies; the stand-in's machines have process groups of their own and outlive it, as Fly's do.
   */
  startUp(withPolicyPack: boolean, ownProcessGroup = false): Running {
    return this.launch(
      "pulumi",
      ["up", "--yes", "--skip-preview", ...this.common(), ...this.pack(withPolicyPack)],
      undefined,
      ownProcessGroup,
    );
  }

  /** `pulumi refresh`: the state takes what Fly runs. */
  refresh(): Promise<CommandResult> {
    return this.run("pulumi", ["refresh", "--yes", "--skip-preview", ...this.common()]);
  }

  /** flyctl run by hand, as an operator would, through the same Fly double. */
  async flyByHand(argv: string[]): Promise<CommandResult> {
    const { done } = spawnCollect(this.fly.flyctl, argv, { cwd: REPO, env: { ...this.env, FLY_API_TOKEN: "by-hand" } });
    const result = await done;
    if (result.code !== 0) throw new Error(`flyctl ${argv.join(" ")} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  /** The recovery after an interrupted run: drops pending creates from the state (README). */
  clearPendingCreates(): Promise<CommandResult> {
    return this.run("pulumi", ["refresh", "--clear-pending-creates", "--yes", "--skip-preview", ...this.common()]);
  }

  /** `pulumi destroy`, after unprotecting the generated SECRET_KEY_BASE as the README says to. */
  async destroy(): Promise<CommandResult> {
    const urn = `urn:pulumi:${STACK}::chatwoot-fly::chatwoot:index:ChatwootDeployment$random:index/randomPassword:RandomPassword::chatwoot-secret-key-base`;
    await this.run("pulumi", ["state", "unprotect", urn, "--yes", "--stack", STACK, "-C", this.projectDir]);
    return this.run("pulumi", ["destroy", "--yes", "--skip-preview", ...this.common()]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.must("pulumi", ["stack", "output", "--json", "--stack", STACK, "-C", this.projectDir]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  async exportState(): Promise<string> {
    return (await this.must("pulumi", ["stack", "export", "--stack", STACK, "-C", this.projectDir])).stdout;
  }

  private pack(withPolicyPack: boolean): string[] {
    return withPolicyPack ? ["--policy-pack", join(this.projectDir, "policies")] : [];
  }

  /** Makes the flyctl stand-in fail calls (testing/doubles/fake-flyctl/README.md, "Faults"). */
  injectFaults(faults: Array<{ command: string; mode: string; exitCode?: number; stderr?: string; times?: number }>): void {
    writeFileSync(join(this.fakeFlyDir, "faults.json"), JSON.stringify(faults));
  }

  /** Calls the flyctl stand-in logged so far. */
  flyCalls(): CallRecord[] {
    return readCalls(this.fakeFlyDir);
  }

  /** The stand-in's machines of the app. */
  machines(): Machine[] {
    return Object.values(readState(this.fakeFlyDir).apps["chatwoot-local"]?.machines ?? {});
  }

  /** The distinct images the app's process groups run, sorted. */
  images(): string[] {
    return [
      ...new Set(
        this.machines()
          .filter((m) => m.processGroup)
          .map((m) => m.config.image),
      ),
    ].sort();
  }

  /** The value of the app's Fly secret `name` (Fly's vault, which only the machines read), if set. */
  flySecret(name: string): string | undefined {
    return readState(this.fakeFlyDir).apps["chatwoot-local"]?.secrets[name]?.value;
  }

  /** GET http://127.0.0.1:<web port><path> of the first web machine. */
  async getWeb(path: string): Promise<{ status: number; body: string }> {
    const web = this.machines().find((m) => m.processGroup === "web" && m.hostPort);
    if (!web?.hostPort) throw new Error("no web machine with a port");
    const response = await fetch(`http://127.0.0.1:${web.hostPort}${path}`);
    return { status: response.status, body: await response.text() };
  }

  /**
   * Connections of the stack's role that the app holds: every connection PostgreSQL sees for the role,
   * minus the server connections the two PgBouncers keep open on their own (SHOW SERVERS).
   */
  async appConnections(): Promise<number> {
    const poolerServers = (await this.session.admin("SHOW SERVERS")).length + (await this.transaction!.admin("SHOW SERVERS")).length;
    return (await this.databaseConnections()) - poolerServers;
  }

  /** Connections of the stack's role, as PostgreSQL sees them. */
  async databaseConnections(): Promise<number> {
    const client = new Client({ host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1", [
        this.session.user,
      ]);
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  /** Stops the poolers (dropping the throwaway role and database) and removes nothing else. */
  async stop(): Promise<void> {
    await this.transaction?.stop();
    await this.session.stop();
    await this.s3.stop();
    await this.fly.stop();
  }

  /** Runs a command in the stack's environment (toolchain, backend, flyctl stand-in state). */
  run(command: string, args: string[], stdin?: string): Promise<CommandResult> {
    return this.launch(command, args, stdin).done;
  }

  /** Starts a command in the stack's environment; the process list is sampled while it runs. */
  launch(command: string, args: string[], stdin?: string, ownProcessGroup = false): Running {
    const sampler = setInterval(() => this.sampleProcesses(), PROCESS_SAMPLE_MS);
    const { child, done } = spawnCollect(command, args, { cwd: this.projectDir, env: this.env, stdin, detached: ownProcessGroup });
    const recorded = done
      .finally(() => clearInterval(sampler))
      .then((result) => {
        this.transcript.push(result.stdout, result.stderr);
        return result;
      });
    return { child, done: recorded };
  }

  /** Reads the command line of every process (what `ps` shows to any user of the machine). */
  private sampleProcesses(): void {
    for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      try {
        this.processLines.add(readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim());
      } catch {
        // The process ended between the listing and the read.
      }
    }
  }

  /**
   * Every place a secret must never reach: the backend's files (state, backups, history), the stack
   * outputs, everything the engine printed (with the Commands' logs), the stand-in's call log (argv),
   * the command lines seen while commands ran, and the fly.toml flyctl received (releases, machine
   * configs). The stand-in's secret store is Fly's vault and is left out on purpose.
   */
  async leakSources(): Promise<Record<string, string>> {
    const sources: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else sources[`backend ${path.slice(this.stateDir.length + 1)}`] = readFileSync(path, "utf8");
      }
    };
    walk(join(this.stateDir, "backend"));
    sources.outputs = JSON.stringify(await this.outputs());
    sources.engineOutput = this.transcript.join("\n");
    sources.flyCallLog = JSON.stringify(this.flyCalls());
    sources.processList = [...this.processLines].join("\n");
    const app = readState(this.fakeFlyDir).apps["chatwoot-local"];
    sources.flyToml = JSON.stringify({ releases: app?.releases ?? [], machines: Object.values(app?.machines ?? {}).map((m) => m.config) });
    return sources;
  }

  /** Where any secret value this stack was given shows up (empty when none does). */
  /**
   * Step and flyctl processes this stack's commands started that are still alive ("pid cmdline"):
   * after a run has ended there must be none (a cancelled step must not leave flyctl running on).
   */
  stepProcesses(): string[] {
    return processesWith(STEP_OR_FLYCTL, "FAKE_FLY_STATE_DIR", this.fakeFlyDir);
  }

  async leaks(): Promise<Leak[]> {
    return findLeaks(await this.leakSources(), this.secretValues);
  }

  private async must(command: string, args: string[], stdin?: string): Promise<CommandResult> {
    const result = await this.run(command, args, stdin);
    if (result.code !== 0)
      throw new Error(`${command} ${args.join(" ")} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result;
  }
}
