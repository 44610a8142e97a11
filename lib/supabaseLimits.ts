/**
 * Connection limits of a Supabase project by compute size.
 *
 * Sources: the compute sizes table of https://supabase.com/docs/guides/platform/compute-and-disk
 * (direct `max_connections`, pooler max clients `max_client_conn`) and
 * https://supabase.com/docs/guides/database/connecting-to-postgres (pool size: per pool, Supavisor's
 * `default_pool_size`, which in session mode also caps the clients of one user + database).
 */

/** Where the compute table comes from, as checker and policy messages name it. */
export const SUPABASE_LIMITS_SOURCE = "supabase.com/docs/guides/platform/compute-and-disk";

export const SUPABASE_COMPUTE_SIZES = ["nano", "micro", "small", "medium", "large", "xl", "2xl", "4xl", "8xl", "12xl", "16xl"] as const;

export type SupabaseComputeSize = (typeof SUPABASE_COMPUTE_SIZES)[number];

export interface ComputeLimits {
  /** Server connections per pool (user + database); in session mode also the client cap. */
  poolSize: number;
  /** Clients the pooler accepts in transaction mode (read-only in Supabase). */
  maxClientConn: number;
  /** PostgreSQL `max_connections` of the database itself. */
  maxConnections: number;
}

const LIMITS: Record<SupabaseComputeSize, ComputeLimits> = {
  nano: { poolSize: 15, maxClientConn: 200, maxConnections: 60 },
  micro: { poolSize: 15, maxClientConn: 200, maxConnections: 60 },
  small: { poolSize: 15, maxClientConn: 400, maxConnections: 90 },
  medium: { poolSize: 15, maxClientConn: 600, maxConnections: 120 },
  large: { poolSize: 20, maxClientConn: 800, maxConnections: 160 },
  xl: { poolSize: 20, maxClientConn: 1000, maxConnections: 240 },
  "2xl": { poolSize: 25, maxClientConn: 1500, maxConnections: 380 },
  "4xl": { poolSize: 32, maxClientConn: 3000, maxConnections: 480 },
  "8xl": { poolSize: 64, maxClientConn: 6000, maxConnections: 490 },
  "12xl": { poolSize: 96, maxClientConn: 9000, maxConnections: 500 },
  "16xl": { poolSize: 128, maxClientConn: 12000, maxConnections: 500 },
};

export function computeLimits(size: SupabaseComputeSize): ComputeLimits {
  return LIMITS[size];
}

/**
 * Connections PostgreSQL keeps for superusers (`superuser_reserved_connections`, default 3 in the
 * PostgreSQL docs, runtime-config-connection). Supabase's own services (auth, storage, realtime) hold
 * more on a live project: raise `database.reservedConnections` to what `pg_stat_activity` shows.
 */
export const DEFAULT_RESERVED_CONNECTIONS = 3;
