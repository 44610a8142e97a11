/**
 * `bundle exec rails db:chatwoot_prepare` (chatwoot lib/tasks/db_enhancements.rake): on an empty
 * database load the schema, then always db:migrate. Like Rails >= 7.1, the migration takes the
 * migrator advisory lock on the SAME connection it migrates with: `pg_try_advisory_lock(id)` with
 * id = MIGRATOR_SALT * crc32(current_database()) (activerecord migration.rb); a lock already held
 * fails at once with ActiveRecord::ConcurrentMigrationError (Rails does not wait). `advisory_locks=
 * false` in DATABASE_URL skips the lock, as Rails does. The session gets statement_timeout from
 * POSTGRES_STATEMENT_TIMEOUT (default 14s). FAKE_MIGRATION_SLEEP_MS makes the migration run that
 * long while holding the lock (as one `pg_sleep` statement, so statement_timeout applies to it).
 * Any error: `bin/rails aborted!` and the error on stderr, exit 1.
 */
import { Client } from "pg";
import { dbSettings, sqlLiteral } from "./db";
import { info } from "./log";

export const MIGRATOR_SALT = 2053462845n;

/** The migrations this stand-in "ships" (all inserted idempotently into schema_migrations). */
export const MIGRATION_VERSIONS = ["20230426130150", "20231211010807", "20240131040316", "20240726220747", "20250104200055"];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** Zlib.crc32 */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function migratorLockId(database: string): bigint {
  return MIGRATOR_SALT * BigInt(crc32(database));
}

class RailsError extends Error {
  constructor(
    readonly railsClass: string,
    message: string,
  ) {
    super(message);
  }
}

function classify(e: Error & { code?: string }): RailsError {
  if (e instanceof RailsError) return e;
  if (e.code === "57014") return new RailsError("ActiveRecord::QueryCanceled", `PG::QueryCanceled: ERROR:  ${e.message}`);
  if (e.code === "3D000") return new RailsError("ActiveRecord::NoDatabaseError", e.message);
  if (e.code) return new RailsError("ActiveRecord::StatementInvalid", `PG::Error: ERROR:  ${e.message}`);
  return new RailsError("ActiveRecord::ConnectionNotEstablished", e.message);
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY)`,
  `CREATE TABLE IF NOT EXISTS ar_internal_metadata (key varchar PRIMARY KEY, value varchar, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS accounts (id bigserial PRIMARY KEY, name varchar NOT NULL, created_at timestamp(6) NOT NULL DEFAULT now(), updated_at timestamp(6) NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email varchar NOT NULL DEFAULT '', name varchar NOT NULL DEFAULT '', created_at timestamp(6) NOT NULL DEFAULT now(), updated_at timestamp(6) NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS conversations (id bigserial PRIMARY KEY, account_id bigint NOT NULL, display_id integer NOT NULL, status integer NOT NULL DEFAULT 0, created_at timestamp(6) NOT NULL DEFAULT now(), updated_at timestamp(6) NOT NULL DEFAULT now())`,
];

export async function runMigration(): Promise<number> {
  const started = Date.now();
  const settings = dbSettings();
  const machine = process.env.FLY_MACHINE_ID ?? "local";
  const client = new Client({ ...settings.config, application_name: `chatwoot-migration-${machine}`, connectionTimeoutMillis: 30_000 });
  let connectionError: Error | null = null;
  client.on("error", (e) => {
    connectionError = e;
  });
  try {
    try {
      await client.connect();
    } catch (e) {
      throw new RailsError(
        "ActiveRecord::ConnectionNotEstablished",
        `connection to server at "${settings.config.host}", port ${settings.config.port} failed: ${(e as Error).message}`,
      );
    }
    await client.query(`SET statement_timeout = ${sqlLiteral(settings.statementTimeout)}`);
    const database = (await client.query<{ db: string }>("SELECT current_database() AS db")).rows[0].db;
    const present = (await client.query<{ e: boolean }>("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS e")).rows[0].e;
    if (!present) {
      info("migration", `${database}: empty database, loading the schema`);
      for (const sql of SCHEMA) await client.query(sql);
      await client.query(
        `INSERT INTO ar_internal_metadata (key, value, created_at, updated_at) VALUES ('environment', $1, now(), now()) ON CONFLICT (key) DO NOTHING`,
        [process.env.RAILS_ENV ?? "production"],
      );
    }
    const lockId = migratorLockId(database);
    let locked = false;
    if (settings.advisoryLocks) {
      const got = (await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockId}) AS locked`)).rows[0].locked;
      if (!got) {
        throw new RailsError(
          "ActiveRecord::ConcurrentMigrationError",
          "\n\nCannot run migrations because another migration process is currently running.\n",
        );
      }
      locked = true;
      info("migration", `took the migrator advisory lock ${lockId}`);
    }
    let applied = 0;
    try {
      for (const sql of SCHEMA) await client.query(sql);
      for (const version of MIGRATION_VERSIONS) {
        const r = await client.query(`INSERT INTO schema_migrations (version) VALUES ($1) ON CONFLICT (version) DO NOTHING`, [version]);
        if (r.rowCount) {
          applied += 1;
          info("migration", `== ${version} migrated`);
        }
      }
      const sleepMs = Number(process.env.FAKE_MIGRATION_SLEEP_MS ?? 0);
      if (sleepMs > 0) await client.query(`SELECT pg_sleep($1)`, [sleepMs / 1000]);
    } finally {
      if (locked && !connectionError) await client.query(`SELECT pg_advisory_unlock(${lockId})`).catch(() => undefined);
    }
    info(
      "migration",
      `db:chatwoot_prepare done: database ${database}, schema ${present ? "present" : "loaded"}, ${applied} migration(s) applied, ${MIGRATION_VERSIONS.length} known, ${Date.now() - started} ms`,
    );
    return 0;
  } catch (e) {
    const err = classify(e as Error);
    process.stderr.write(
      `bin/rails aborted!\n${err.railsClass}: ${err.message}\n\nTasks: TOP => db:chatwoot_prepare\n(See full trace by running task with --trace)\n`,
    );
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}
