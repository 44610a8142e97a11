/**
 * The database endpoints as one typed model: which pool mode each is, which pool it feeds, and the
 * checks that a declared mode matches its Supabase host.
 *
 * Supabase host forms (https://supabase.com/docs/guides/database/connecting-to-postgres): direct
 * `db.<ref>.supabase.co:5432`; session pooler `<...>.pooler.supabase.com:5432`; transaction pooler
 * the same host on 6543.
 */
import type { EndpointKind } from "./config/schema";

export interface Endpoint {
  kind: EndpointKind;
  host: string;
  port: number;
  user: string;
  database: string;
  sslmode: string;
}

const SUPABASE_DIRECT = /^db\.[a-z0-9]+\.supabase\.co$/;
const SUPABASE_POOLER = /\.pooler\.supabase\.com$/;
const SESSION_POOLER_PORT = 5432;
const TRANSACTION_POOLER_PORT = 6543;

/** The mode a Supabase host and port imply, or undefined for a host that is not Supabase's. */
export function supabaseModeOf(host: string, port: number): EndpointKind | undefined {
  if (SUPABASE_DIRECT.test(host)) return "direct";
  if (SUPABASE_POOLER.test(host)) {
    if (port === SESSION_POOLER_PORT) return "session";
    if (port === TRANSACTION_POOLER_PORT) return "transaction";
  }
  return undefined;
}

const LOCAL_HOSTS = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/;

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.test(host);
}

/**
 * The https form of a URL that goes over plain http to a host beyond this machine (keys and data would
 * cross the network in clear), or undefined when it needs none. `text` is the URL as typed: its scheme
 * may say HTTP:, while url.protocol is always lower case, so the scheme is cut by length.
 */
export function publicHttpAsHttps(text: string, url: URL): string | undefined {
  if (url.protocol !== "http:" || isLocalHost(url.hostname)) return undefined;
  return `https:${text.slice(url.protocol.length)}`;
}

/** sslmode values that refuse an unencrypted connection (libpq docs, "SSL Mode Descriptions"). */
export const STRICT_SSLMODES = ["require", "verify-ca", "verify-full"];

/**
 * The pool an endpoint's clients count against. Supavisor keys a pool by user + database on a
 * pooler endpoint; a direct endpoint's limit (max_connections) is shared by every user of the server.
 * On Supabase the session and transaction ports of one user + database also share their server
 * connections (`sharesSupavisorPool`): the budget adds the transaction port's to the session pool.
 */
export function poolKey(endpoint: Endpoint): string {
  return endpoint.kind === "direct"
    ? `direct ${endpoint.host}:${endpoint.port}`
    : `${endpoint.kind} ${endpoint.host}:${endpoint.port} user=${endpoint.user} db=${endpoint.database}`;
}

/**
 * Whether two pooler endpoints draw on one Supavisor pool: the same pooler host, user and database on
 * its session and transaction ports (Supavisor keys a pool by user + database, and both ports share its
 * pool_size: supabase/supabase PRs 40373 and 49868, https://supabase.com/docs/guides/database/connecting-to-postgres).
 */
export function sharesSupavisorPool(a: Endpoint, b: Endpoint): boolean {
  const modes = new Set([a.kind, b.kind]);
  return modes.has("session") && modes.has("transaction") && a.host === b.host && a.user === b.user && a.database === b.database;
}

/** Runtime flags Rails needs behind a transaction pooler (no session advisory locks, no prepared statements). */
export const TRANSACTION_POOLER_FLAGS: Record<string, string> = {
  prepared_statements: "false",
  advisory_locks: "false",
};
