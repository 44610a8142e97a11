/**
 * A private PgBouncer (Debian bookworm: 1.18) in front of the local PostgreSQL, as a stand-in for
 * Supabase's session pooler (its settings: https://www.pgbouncer.org/config.html).
 *
 * - Its own throwaway role (with a password) and database on the server, created at start() and
 *   dropped at stop(): clients log in with `auth_type = plain` and that password, so the
 *   password path of the product's URLs is exercised even where the server trusts everybody. The
 *   auth file holds the role's SCRAM verifier as PostgreSQL stores it (what Supabase's pooler reads
 *   with its auth query), so any password PostgreSQL accepts works, newlines and quotes included.
 * - A temp dir with pgbouncer.ini and the auth file, readable by the user PgBouncer runs as (it
 *   refuses to run as root: under root it runs as `postgres` through setpriv).
 * - One listener on a free 127.0.0.1 port; per-database pool_mode and pool_size, so one instance can
 *   serve a session-mode alias and a transaction-mode alias side by side. Caveat: max_client_conn is
 *   instance-wide in 1.18 (no per-database client cap), so "client N+1 is refused at login" models a
 *   session pool exactly only when that pool has the instance (or its max_client_conn) to itself.
 * - The `pgbouncer` admin database (admin_users/stats_users = the test role) for SHOW POOLS/CLIENTS.
 *
 * Nothing outlives the test process: stop() kills PgBouncer, waits for its exit and removes the temp
 * dir; usePgBouncer() wires start/stop into beforeAll/afterAll; an exit handler kills whatever is left;
 * and PgBouncer runs with a parent-death signal (setpriv --pdeathsig), so even a SIGKILLed jest worker
 * takes it along. Leftover roles/databases of dead test processes are swept at the next start().
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import { freePort } from "./freePort";

export type PoolMode = "session" | "transaction" | "statement";
export type AuthType = "plain" | "md5" | "scram-sha-256" | "trust";

export interface PgBouncerDatabase {
  /** The name clients put in their URL. */
  alias: string;
  /** Database on the server; defaults to the throwaway database of this instance. */
  dbname?: string;
  /** Per-database pool_mode (defaults to the instance's poolMode). */
  poolMode?: PoolMode;
  /** Per-database pool_size (defaults to the instance's defaultPoolSize). */
  poolSize?: number;
  /** Per-database cap of server connections (max_db_connections); unlimited by default. */
  maxDbConnections?: number;
}

export interface PgBouncerOptions {
  /** Instance default pool_mode (default session). */
  poolMode?: PoolMode;
  /** default_pool_size (default 15: Supabase micro). */
  defaultPoolSize?: number;
  /** max_client_conn (default defaultPoolSize: client N+1 gets the max_client_conn FATAL at login). */
  maxClientConn?: number;
  /** Aliases; default one alias named like the throwaway database, with the instance defaults. */
  databases?: PgBouncerDatabase[];
  /** How clients authenticate to PgBouncer (default plain, passwords from the auth file). */
  authType?: AuthType;
  /** Seconds a client may wait for a server connection before PgBouncer errors (default 120 as in 1.18). */
  queryWaitTimeout?: number;
  /**
   * Server connections per user across every alias (max_user_connections; unlimited by default): makes
   * a session alias and a transaction alias draw on one pool, as Supavisor's two ports do.
   */
  maxUserConnections?: number;
  /** The PostgreSQL server PgBouncer fronts (default 127.0.0.1:5432). */
  server?: { host: string; port: number };
  /** Superuser connection used to create and drop the throwaway role and database. */
  superuser?: ClientConfig;
  /**
   * An existing role and database to front instead of a throwaway pair (neither created nor dropped),
   * e.g. when two PgBouncers (session and transaction) front the same database.
   */
  account?: { user: string; password: string; database: string };
  /** Password of the throwaway role (default random): tests use awkward ones. */
  password?: string;
  /** pgbouncer executable (default `pgbouncer` on PATH, else /usr/sbin/pgbouncer). */
  binary?: string;
  /** Milliseconds to wait for start and for stop (default 15000). */
  timeoutMs?: number;
}

/** A row of SHOW POOLS (1.18 columns; counters as numbers). */
export interface PoolRow {
  database: string;
  user: string;
  cl_active: number;
  cl_waiting: number;
  sv_active: number;
  sv_idle: number;
  sv_used: number;
  sv_tested: number;
  sv_login: number;
  maxwait: number;
  pool_mode: string;
  [column: string]: string | number | null;
}

/** A row of SHOW CLIENTS (1.18 columns). */
export interface ClientRow {
  type: string;
  user: string;
  database: string;
  state: string;
  addr: string;
  port: number;
  [column: string]: string | number | null;
}

const NAME_PREFIX = "cwfly_pgb_";
const DIR_PREFIX = "cwfly-pgbouncer-";
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** PgBouncer's own text for a client over max_client_conn (src/client.c). */
export const MAX_CLIENT_CONN_ERROR = /no more connections allowed \(max_client_conn\)/;

const live = new Set<PgBouncer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here: kill the process, remove its files, drop its database.
  process.on("exit", () => {
    for (const bouncer of live) bouncer.killSync();
  });
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

function toNumbers<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === "string" && /^-?\d+$/.test(value) && key !== "database" && key !== "user" ? Number(value) : value;
  }
  return out as T;
}

export class PgBouncer {
  readonly host = "127.0.0.1";
  /** The throwaway role and database (also the default alias). */
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly poolMode: PoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConn: number;
  readonly server: { host: string; port: number };
  private readonly options: PgBouncerOptions;
  private portNumber: number | undefined;
  private dir: string | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private output = "";
  private createdInDb = false;

  constructor(options: PgBouncerOptions = {}) {
    this.options = options;
    this.poolMode = options.poolMode ?? "session";
    this.defaultPoolSize = options.defaultPoolSize ?? 15;
    this.maxClientConn = options.maxClientConn ?? this.defaultPoolSize;
    this.server = options.server ?? { host: "127.0.0.1", port: 5432 };
    const id = `${NAME_PREFIX}${process.pid}_${randomBytes(4).toString("hex")}`;
    this.user = options.account?.user ?? id;
    this.database = options.account?.database ?? id;
    this.password = options.account?.password ?? options.password ?? randomBytes(18).toString("base64url");
    for (const db of this.databases) {
      if (!SAFE_NAME.test(db.alias) || (db.dbname !== undefined && !SAFE_NAME.test(db.dbname))) {
        throw new Error(`PgBouncer: database alias/dbname must match ${SAFE_NAME}: ${db.alias}`);
      }
    }
  }

  get databases(): PgBouncerDatabase[] {
    return this.options.databases ?? [{ alias: this.database }];
  }

  /** The port PgBouncer listens on (after start()). */
  get port(): number {
    if (this.portNumber === undefined) throw new Error("PgBouncer is not started");
    return this.portNumber;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The temp dir with the ini and the auth file (while started). */
  get directory(): string | undefined {
    return this.dir;
  }

  /** What PgBouncer printed (its log goes to stderr in the foreground). */
  get log(): string {
    return this.output;
  }

  /** Client config for an alias through PgBouncer, with the password. */
  clientConfig(alias = this.databases[0].alias): ClientConfig {
    return { host: this.host, port: this.port, user: this.user, password: this.password, database: alias, ssl: false };
  }

  /** The same as a URL (password included), as the product would build it. */
  url(alias = this.databases[0].alias): string {
    const enc = encodeURIComponent;
    return `postgres://${enc(this.user)}:${enc(this.password)}@${this.host}:${this.port}/${enc(alias)}?sslmode=disable`;
  }

  /** Client config straight to the server (the "direct" endpoint) as the test role. */
  directConfig(): ClientConfig {
    return {
      host: this.server.host,
      port: this.server.port,
      user: this.user,
      password: this.password,
      database: this.database,
      ssl: false,
    };
  }

  async start(): Promise<this> {
    if (this.child) throw new Error("PgBouncer already started");
    installExitHook();
    live.add(this);
    try {
      if (!this.options.account) await this.createRoleAndDatabase();
      let lastError: unknown;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await this.launch(await freePort(this.host));
          return this;
        } catch (error) {
          lastError = error;
          await this.killChild();
          // Another process took the port between freePort() and PgBouncer's bind: try another.
          if (!/Address already in use/i.test(this.output)) break;
        }
      }
      throw lastError;
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Kills PgBouncer, waits for its exit, removes its files, drops its role and database. */
  async stop(): Promise<void> {
    try {
      await this.killChild();
    } finally {
      this.removeDir();
      try {
        if (this.createdInDb) await this.dropRoleAndDatabase();
      } finally {
        live.delete(this);
      }
    }
  }

  /** Runs a statement on the admin console (`pgbouncer` database), one short-lived connection per call. */
  async admin(sql: string): Promise<Record<string, unknown>[]> {
    // The admin console still logs in when max_client_conn is reached (seen with 1.18: SHOW POOLS
    // beside 15/15 clients), but it is a client while connected: keep it short so it can never
    // take an app client's place.
    const client = new Client({ ...this.clientConfig(), database: "pgbouncer" });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  async showPools(): Promise<PoolRow[]> {
    return (await this.admin("SHOW POOLS")).map((row) => toNumbers<PoolRow>(row));
  }

  /** SHOW CLIENTS without the admin connection that asks. */
  async showClients(): Promise<ClientRow[]> {
    return (await this.admin("SHOW CLIENTS")).map((row) => toNumbers<ClientRow>(row)).filter((row) => row.database !== "pgbouncer");
  }

  /** The SHOW POOLS row of one alias for the test role. */
  async pool(alias = this.databases[0].alias): Promise<PoolRow | undefined> {
    return (await this.showPools()).find((row) => row.database === alias && row.user === this.user);
  }

  async version(): Promise<string> {
    const rows = await this.admin("SHOW VERSION");
    return String(Object.values(rows[0] ?? {})[0] ?? "");
  }

  /** Synchronous last resort for process exit: kill, remove files, drop role and database. */
  killSync(): void {
    const pid = this.child?.pid;
    if (pid !== undefined && this.running) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.removeDir();
    if (this.createdInDb) {
      const su = this.superuserConfig();
      try {
        execFileSync(
          "psql",
          [
            "-X",
            "-q",
            "-h",
            String(su.host),
            "-p",
            String(su.port),
            "-U",
            String(su.user),
            "-d",
            "postgres",
            "-c",
            `DROP DATABASE IF EXISTS ${quoteIdent(this.database)} WITH (FORCE)`,
            "-c",
            `DROP ROLE IF EXISTS ${quoteIdent(this.user)}`,
          ],
          { stdio: "ignore", timeout: 5000 },
        );
      } catch {
        // swept by the next start()
      }
      this.createdInDb = false;
    }
    live.delete(this);
  }

  // ---- internals -----------------------------------------------------------------------------

  private superuserConfig(): ClientConfig {
    return {
      host: this.server.host,
      port: this.server.port,
      user: "postgres",
      database: "postgres",
      ssl: false,
      ...this.options.superuser,
    };
  }

  private async withSuperuser<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client(this.superuserConfig());
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** Temp dirs of dead test processes (a SIGKILLed worker cannot clean up). */
  private sweepDirs(): void {
    for (const name of fs.readdirSync(os.tmpdir())) {
      if (!name.startsWith(DIR_PREFIX)) continue;
      const pid = Number(name.slice(DIR_PREFIX.length).split("-")[0]);
      if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }

  /** The role's password as PostgreSQL stores it (a SCRAM verifier: no quote or newline in it). */
  private async storedVerifier(): Promise<string> {
    const { rows } = await this.withSuperuser((su) =>
      su.query<{ verifier: string | null }>("SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = $1", [this.user]),
    );
    const verifier = rows[0]?.verifier;
    if (!verifier?.startsWith("SCRAM-SHA-256$"))
      throw new Error(`PgBouncer: role ${this.user} has no SCRAM password (set password_encryption = scram-sha-256)`);
    return verifier;
  }

  private async createRoleAndDatabase(): Promise<void> {
    this.sweepDirs();
    await this.withSuperuser(async (su) => {
      // Sweep what dead test processes left behind (names carry their pid).
      const leftovers = await su.query<{ name: string; kind: string }>(
        `SELECT datname AS name, 'db' AS kind FROM pg_database WHERE datname LIKE $1
         UNION ALL SELECT rolname, 'role' FROM pg_roles WHERE rolname LIKE $1 ORDER BY kind`,
        [`${NAME_PREFIX}%`],
      );
      for (const { name, kind } of leftovers.rows) {
        const pid = Number(name.slice(NAME_PREFIX.length).split("_")[0]);
        if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
        await su
          .query(kind === "db" ? `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)` : `DROP ROLE IF EXISTS ${quoteIdent(name)}`)
          .catch(() => undefined);
      }
      this.createdInDb = true;
      await su.query(`CREATE ROLE ${quoteIdent(this.user)} LOGIN PASSWORD ${quoteLiteral(this.password)}`);
      await su.query(`CREATE DATABASE ${quoteIdent(this.database)} OWNER ${quoteIdent(this.user)}`);
    });
  }

  private async dropRoleAndDatabase(): Promise<void> {
    await this.withSuperuser(async (su) => {
      await su.query(`DROP DATABASE IF EXISTS ${quoteIdent(this.database)} WITH (FORCE)`);
      await su.query(`DROP ROLE IF EXISTS ${quoteIdent(this.user)}`);
    });
    this.createdInDb = false;
  }

  private runAsUser(): { uid: number; gid: number; name: string } | undefined {
    if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
    const name = "postgres";
    const uid = Number(execFileSync("id", ["-u", name]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", name]).toString().trim());
    return { uid, gid, name };
  }

  private iniText(port: number, dir: string): string {
    const databases = this.databases.map((db) => {
      const parts = [
        `host=${this.server.host}`,
        `port=${this.server.port}`,
        `dbname=${db.dbname ?? this.database}`,
        `pool_mode=${db.poolMode ?? this.poolMode}`,
        `pool_size=${db.poolSize ?? this.defaultPoolSize}`,
      ];
      if (db.maxDbConnections !== undefined) parts.push(`max_db_connections=${db.maxDbConnections}`);
      return `${db.alias} = ${parts.join(" ")}`;
    });
    return [
      "[databases]",
      ...databases,
      "",
      "[pgbouncer]",
      `listen_addr = ${this.host}`,
      `listen_port = ${port}`,
      // No unix socket: it would collide with the server's /var/run/postgresql/.s.PGSQL.<port>.
      "unix_socket_dir =",
      `auth_type = ${this.options.authType ?? "plain"}`,
      `auth_file = ${path.join(dir, "userlist.txt")}`,
      `admin_users = ${this.user}`,
      `stats_users = ${this.user}`,
      `pool_mode = ${this.poolMode}`,
      `default_pool_size = ${this.defaultPoolSize}`,
      "min_pool_size = 0",
      "reserve_pool_size = 0",
      `max_client_conn = ${this.maxClientConn}`,
      `query_wait_timeout = ${this.options.queryWaitTimeout ?? 120}`,
      ...(this.options.maxUserConnections === undefined ? [] : [`max_user_connections = ${this.options.maxUserConnections}`]),
      "server_tls_sslmode = disable",
      "ignore_startup_parameters = extra_float_digits",
      "log_connections = 1",
      "log_disconnections = 1",
      "",
    ].join("\n");
  }

  private async launch(port: number): Promise<void> {
    this.removeDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${DIR_PREFIX}${process.pid}-`));
    this.dir = dir;
    const ini = path.join(dir, "pgbouncer.ini");
    const auth = path.join(dir, "userlist.txt");
    fs.writeFileSync(ini, this.iniText(port, dir), { mode: 0o600 });
    fs.writeFileSync(auth, `"${this.user}" "${await this.storedVerifier()}"\n`, { mode: 0o600 });
    const runAs = this.runAsUser();
    if (runAs) for (const file of [dir, ini, auth]) fs.chownSync(file, runAs.uid, runAs.gid);

    const binary = this.options.binary ?? which("pgbouncer") ?? "/usr/sbin/pgbouncer";
    const setpriv = which("setpriv");
    // Foreground (no -d): the child is PgBouncer itself, its log is our stderr, and with setpriv it
    // gets SIGKILL when this process dies. setpriv changes the user before it sets the signal (a
    // `pgbouncer -u` would clear the signal when it drops root).
    let command: string;
    let args: string[];
    if (setpriv) {
      command = setpriv;
      args = [
        ...(runAs ? [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, "--init-groups"] : []),
        "--pdeathsig=SIGKILL",
        "--",
        binary,
        ini,
      ];
    } else {
      command = binary;
      args = [...(runAs ? ["-u", runAs.name] : []), ini];
    }
    this.output = "";
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const capture = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-64_000);
    };
    child.stdout?.on("data", capture);
    child.stderr?.on("data", capture);
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.once("error", (error) => capture(Buffer.from(`spawn error: ${error.message}\n`)));

    const deadline = Date.now() + (this.options.timeoutMs ?? 15_000);
    this.portNumber = port;
    for (;;) {
      if (!this.running) throw new Error(`PgBouncer exited at start (code ${child.exitCode}, signal ${child.signalCode}):\n${this.output}`);
      try {
        await this.admin("SHOW VERSION");
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`PgBouncer did not answer on ${this.host}:${port}: ${(error as Error).message}\n${this.output}`);
        await sleep(50);
      }
    }
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.running) {
      // 1.18: SIGTERM is the immediate shutdown (SIGINT would wait for clients).
      child.kill("SIGTERM");
      const timeout = this.options.timeoutMs ?? 15_000;
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        this.exited!.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeout);
        }),
      ]);
      clearTimeout(timer);
      if (!killed) {
        child.kill("SIGKILL");
        await this.exited;
      }
    } else {
      await this.exited;
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.child = undefined;
    this.exited = undefined;
  }

  private removeDir(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/**
 * Jest helper: a PgBouncer started in beforeAll and stopped in afterAll of the enclosing describe
 * (also when a test fails). Use the returned instance inside tests.
 */
export function usePgBouncer(options: PgBouncerOptions = {}): PgBouncer {
  const bouncer = new PgBouncer(options);
  beforeAll(() => bouncer.start().then(() => undefined), (options.timeoutMs ?? 15_000) * 2 + 10_000);
  afterAll(() => bouncer.stop(), (options.timeoutMs ?? 15_000) + 10_000);
  return bouncer;
}

/** Stops every instance still running in this process. */
export async function stopAllPgBouncers(): Promise<void> {
  await Promise.allSettled([...live].map((bouncer) => bouncer.stop()));
}
