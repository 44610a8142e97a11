/**
 * The deployment plan: everything the stack will do, derived from the plain config alone (no secrets,
 * no Outputs). The program builds its resources from it, passes it to the top component (where the
 * policy pack reads it at preview time) and the checker evaluates the same rules on it.
 */
import { computeBudget, connectionsPerMachine, type BudgetInput, type PoolBudget, type Strategy } from "./budget";
import { runtimeEnv, PROCESS_GROUPS, type ProcessGroup } from "./chatwoot";
import type { EndpointKind, PlainConfig } from "./config/schema";
import type { Endpoint } from "./endpoints";
import { renderFlyToml } from "./flyToml";
import { stopSettings, type StopSettings } from "./stopSettings";
import { computeLimits, DEFAULT_RESERVED_CONNECTIONS, SUPABASE_LIMITS_SOURCE } from "./supabaseLimits";

export interface GroupPlan {
  count: number;
  memoryMb: number;
  cpus: number;
  cpuKind: string;
  /** Database clients one machine of this group opens. */
  connectionsPerMachine: number;
}

export interface DeploymentPlan {
  app: PlainConfig["app"];
  /** In-database management settings (role, extensions). */
  admin: PlainConfig["database"]["admin"];
  image: string;
  strategy: Strategy;
  healthCheckPath: string;
  groups: Record<ProcessGroup, GroupPlan>;
  endpoints: { app: Endpoint; migration: Endpoint; direct?: Endpoint };
  /** Query parameters of the app's DATABASE_URL. */
  appUrlParams: Record<string, string>;
  migration: PlainConfig["migration"] & { connections: number };
  consoleReserve: number;
  headroomPercent: number;
  budget: PoolBudget[];
  /** What the budget was computed from: the migration checks it again against the machines that run (lib/budget.ts migrationOverflow). */
  budgetInput: BudgetInput;
  /**
   * Server connections the app role may hold (its CONNECTION LIMIT when database.admin manages it):
   * the direct server's peak, which includes the pooler backends, plus the console reserve.
   */
  roleConnectionLimit: number;
  /** Which database the app uses, as the Supabase advisories read it. */
  database: Pick<PlainConfig["database"], "provider" | "name" | "dataApiHardened">;
  /** Where attachments are kept (ACTIVE_STORAGE_SERVICE and its settings). */
  storage: PlainConfig["storage"];
  /** How Fly stops web and worker machines (kill_signal, kill_timeout). */
  stop: StopSettings;
  /** The non-secret environment of web and worker. */
  env: Record<string, string>;
  flyToml: string;
}

/** The declared endpoint of `kind`, as `user` when one is given. */
function endpointOf(config: PlainConfig, kind: EndpointKind, user?: string): Endpoint {
  const declared = config.database.endpoints[kind];
  if (!declared) throw new Error(`database.endpoints.${kind} is not declared (validatePlain reports this first)`);
  return { kind, ...declared, user: user ?? declared.user, database: config.database.name, sslmode: config.database.sslmode };
}

/** Limits of each endpoint kind: explicit overrides first, then the Supabase compute size table. */
export function endpointLimits(config: PlainConfig): Record<EndpointKind, { limit: number; source: string } | undefined> {
  const { limits, computeSize } = config.database;
  const table = computeSize ? computeLimits(computeSize) : undefined;
  const pick = (override: number | undefined, fromTable: number | undefined, name: string) => {
    if (override !== undefined) return { value: override, source: `database.limits.${name}` };
    if (fromTable !== undefined) return { value: fromTable, source: `Supabase ${computeSize} compute (${SUPABASE_LIMITS_SOURCE})` };
    return undefined;
  };
  const poolSize = pick(limits.poolSize, table?.poolSize, "poolSize");
  const maxClients = pick(limits.maxClientConn, table?.maxClientConn, "maxClientConn");
  const maxConnections = pick(limits.maxConnections, table?.maxConnections, "maxConnections");
  const reserved = limits.reservedConnections ?? DEFAULT_RESERVED_CONNECTIONS;
  return {
    session: poolSize && { limit: poolSize.value, source: `pool_size from ${poolSize.source}` },
    transaction: maxClients && { limit: maxClients.value, source: `max_client_conn from ${maxClients.source}` },
    direct: maxConnections && {
      limit: maxConnections.value - reserved,
      source: `max_connections ${maxConnections.value} from ${maxConnections.source}, minus ${reserved} reserved`,
    },
  };
}

/**
 * Server connections the app role holds: its own direct clients at their peak phase, plus for every
 * pooler pool the server connections the pooler opens for it (at most its pool size), plus the console
 * reserve. Counted the same whether or not the poolers front the direct server's budget.
 */
function roleConnectionLimit(budget: PoolBudget[], consoleReserve: number, poolSize: number | undefined): number {
  const direct = budget.find((p) => p.kind === "direct");
  const own = (direct?.contributions ?? []).filter((c) => c.role !== "pooler-backends");
  const directPeak = Math.max(
    own.reduce((n, c) => n + c.migration, 0),
    own.reduce((n, c) => n + c.rollout, 0),
  );
  // A transaction pool sharing a Supavisor pool with a session pool is already inside the session pool's count.
  const poolerBackends = budget
    .filter((p) => p.kind === "session" || (p.kind === "transaction" && !p.sharesPoolSizeWith))
    .reduce((n, pool) => n + Math.min(pool.peak, poolSize ?? pool.peak), 0);
  return directPeak + poolerBackends + consoleReserve;
}

export function buildPlan(config: PlainConfig): DeploymentPlan {
  const db = config.database;
  const appEndpoint = endpointOf(config, db.app);
  // A role of its own (database.migrationUser) gives the migration its own pool on a pooler.
  const migrationEndpoint = endpointOf(config, db.migrations, db.migrationUser);
  const groups = Object.fromEntries(
    PROCESS_GROUPS.map((group) => {
      const vm = config.processes[group];
      return [group, { ...vm, connectionsPerMachine: connectionsPerMachine(group, config.rails) }];
    }),
  ) as Record<ProcessGroup, GroupPlan>;
  const limits = endpointLimits(config);
  const migrationConnections = connectionsPerMachine("migration", config.rails);
  const budgetInput: BudgetInput = {
    groups: PROCESS_GROUPS.map((group) => ({
      role: group,
      machines: groups[group].count,
      perMachine: groups[group].connectionsPerMachine,
      endpoint: appEndpoint,
    })),
    migration: { perMachine: migrationConnections, endpoint: migrationEndpoint },
    strategy: config.deploy.strategy,
    limits,
    poolerBackendsPerPool: limits.session?.limit ?? 0,
    poolersShareDirectServer: db.provider === "supabase",
    poolersSharePoolSize: db.provider === "supabase",
  };
  const budget = computeBudget(budgetInput);
  const env = runtimeEnv(config);
  const stop = stopSettings(config);
  return {
    app: config.app,
    admin: db.admin,
    image: config.image,
    strategy: config.deploy.strategy,
    healthCheckPath: config.deploy.healthCheckPath,
    groups,
    endpoints: {
      app: appEndpoint,
      migration: migrationEndpoint,
      direct: db.endpoints.direct ? endpointOf(config, "direct") : undefined,
    },
    appUrlParams: db.urlParams,
    migration: { ...config.migration, connections: migrationConnections },
    consoleReserve: config.budget.consoleReserve,
    headroomPercent: config.budget.headroomPercent,
    budget,
    budgetInput,
    roleConnectionLimit: roleConnectionLimit(budget, config.budget.consoleReserve, limits.session?.limit),
    database: { provider: db.provider, name: db.name, dataApiHardened: db.dataApiHardened },
    storage: config.storage,
    stop,
    env,
    flyToml: renderFlyToml({
      app: config.app.name,
      primaryRegion: config.app.primaryRegion,
      env,
      processes: config.processes,
      deploy: config.deploy,
      stop,
    }),
  };
}
