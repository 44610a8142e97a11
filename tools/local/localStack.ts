/**
 * The local stack: PostgreSQL + two PgBouncers (Supabase's session and transaction poolers), the
 * flyctl stand-in, a file backend under .state/, and the real Pulumi engine on PATH (scripts/env.sh).
 * Used by the main job (tools/local/main.ts) and the end-to-end tests.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Client } from "pg";
import { parse, stringify } from "yaml";
import { readCalls, type CallRecord } from "../fake-flyctl/src/calllog";
import { readState, type Machine } from "../fake-flyctl/src/store";
import { PgBouncer } from "./pgbouncer";

export const REPO = join(__dirname, "..", "..");
const STACK = "local";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface StackOverrides {
  image?: string;
  migrations?: "direct" | "session" | "transaction";
  webMemoryMb?: number;
  workerCount?: number;
  migration?: { command?: string[]; timeoutSeconds?: number };
  /** Port of the direct endpoint (a closed port makes the database unreachable). */
  directPort?: number;
}

export class LocalStack {
  readonly stateDir: string;
  readonly fakeFlyDir: string;
  readonly session = new PgBouncer({ poolMode: "session", defaultPoolSize: 15, maxClientConn: 15, queryWaitTimeout: 10 });
  transaction?: PgBouncer;
  /** Every secret value this stack was given, for leak checks. */
  readonly secretValues: string[] = [];
  /** Everything the engine printed, in order. */
  readonly transcript: string[] = [];
  /** The last exported state (set by callers that export it). */
  lastState = "";
  private env: NodeJS.ProcessEnv = {};
  private configFile = "";

  constructor(stateDir = join(REPO, ".state")) {
    this.stateDir = stateDir;
    this.fakeFlyDir = join(stateDir, "fly");
  }

  /** Starts the poolers and prepares the backend, passphrase and stack (fresh each run). */
  async start(): Promise<void> {
    rmSync(this.stateDir, { recursive: true, force: true });
    for (const dir of [this.stateDir, this.fakeFlyDir, join(this.stateDir, "backend"), join(this.stateDir, "project")])
      mkdirSync(dir, { recursive: true });
    await this.session.start();
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
  }

  /** Renders .state/Pulumi.local.yaml from the committed template, keeping secrets and the salt. */
  writeConfig(overrides: StackOverrides): void {
    const template = parse(readFileSync(join(REPO, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
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
    config["chatwoot:flyctl"] = join(REPO, "tools/fake-flyctl/bin/flyctl");
    for (const [key, value] of Object.entries(previous?.config ?? {})) {
      if (typeof value === "object" && value !== null && "secure" in value) config[key] = value;
    }
    writeFileSync(this.configFile, stringify({ encryptionsalt: salt, config }));
  }

  /** Sets a secret of the stack (value on stdin, never argv). */
  setSecret(key: string, value: string): Promise<CommandResult> {
    this.secretValues.push(value);
    return this.must(
      "pulumi",
      ["config", "set", "--secret", `chatwoot:${key}`, "--stack", STACK, "--config-file", this.configFile, "-C", REPO],
      value,
    );
  }

  private common(): string[] {
    return ["--stack", STACK, "--config-file", this.configFile, "-C", REPO, "--non-interactive"];
  }

  preview(withPolicyPack: boolean): Promise<CommandResult> {
    return this.run("pulumi", ["preview", ...this.common(), ...this.pack(withPolicyPack), "--diff"]);
  }

  up(withPolicyPack: boolean): Promise<CommandResult> {
    return this.run("pulumi", ["up", "--yes", "--skip-preview", ...this.common(), ...this.pack(withPolicyPack)]);
  }

  destroy(): Promise<CommandResult> {
    return this.run("pulumi", ["destroy", "--yes", "--skip-preview", ...this.common()]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.must("pulumi", ["stack", "output", "--json", "--stack", STACK, "-C", REPO]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  async exportState(): Promise<string> {
    return (await this.must("pulumi", ["stack", "export", "--stack", STACK, "-C", REPO])).stdout;
  }

  private pack(withPolicyPack: boolean): string[] {
    return withPolicyPack ? ["--policy-pack", process.env.CHATWOOT_POLICY_PACK ?? join(REPO, "policies")] : [];
  }

  /** Makes the flyctl stand-in fail calls (tools/fake-flyctl/README.md, "Faults"). */
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
  }

  /** Runs a command in the stack's environment (toolchain, backend, flyctl stand-in state). */
  run(command: string, args: string[], stdin?: string): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(command, args, { cwd: REPO, env: this.env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on("close", (code) => {
        this.transcript.push(stdout, stderr);
        resolve({ code: code ?? 1, stdout, stderr, seconds: (Date.now() - started) / 1000 });
      });
      child.stdin.end(stdin ?? "");
    });
  }

  private async must(command: string, args: string[], stdin?: string): Promise<CommandResult> {
    const result = await this.run(command, args, stdin);
    if (result.code !== 0)
      throw new Error(`${command} ${args.join(" ")} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result;
  }
}
