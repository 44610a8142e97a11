/**
 * The connection budget: how many database clients a deployment holds on each pool, at steady state
 * and at its peak, against the pool's limit. Pure; shared by the program (stack outputs), the policy
 * pack and the config checker. docs/connection-budget.md explains the formula.
 */
import type { EndpointKind } from "./config/schema";
import { poolKey, sharesSupavisorPool, type Endpoint } from "./endpoints";

export type Strategy = "rolling" | "immediate" | "canary" | "bluegreen";
export type Role = "web" | "worker" | "migration" | "pooler-backends" | "transaction-backends";

export interface RailsSettings {
  railsMaxThreads: number;
  webConcurrency: number;
  sidekiqConcurrency: number;
  version: "7.1+" | "6.0-7.0";
}

/**
 * Clients one machine of a role opens. Chatwoot sizes each process's ActiveRecord pool from its threads
 * (config/database.yml) and every thread can hold a connection:
 * - web: Puma runs max(1, WEB_CONCURRENCY) processes of RAILS_MAX_THREADS threads (config/puma.rb);
 * - worker: Sidekiq runs SIDEKIQ_CONCURRENCY threads (config/sidekiq.yml);
 * - migration: `rails db:chatwoot_prepare` uses one connection; Rails 6.0.3-7.0 took the migration
 *   advisory lock on a second one (rails/rails#38235, removed in 7.1).
 */
export function connectionsPerMachine(role: "web" | "worker" | "migration", rails: RailsSettings): number {
  switch (role) {
    case "web":
      return Math.max(1, rails.webConcurrency) * rails.railsMaxThreads;
    case "worker":
      return rails.sidekiqConcurrency;
    case "migration":
      return rails.version === "6.0-7.0" ? 2 : 1;
  }
}

/**
 * Extra machines a rollout runs beside the old ones (Fly docs, reference/deployments "Deployment
 * strategies"): rolling and immediate replace each machine in place (stop, update, start): none;
 * canary boots one new machine per group first: 1; bluegreen boots a full green set before the blue
 * one stops: as many as there are.
 */
export function surgeMachines(strategy: Strategy, count: number): number {
  switch (strategy) {
    case "rolling":
    case "immediate":
      return 0;
    case "canary":
      return Math.min(1, count);
    case "bluegreen":
      return count;
  }
}

export interface GroupLoad {
  role: "web" | "worker";
  machines: number;
  perMachine: number;
  endpoint: Endpoint;
}

export interface BudgetInput {
  groups: GroupLoad[];
  migration: { perMachine: number; endpoint: Endpoint };
  strategy: Strategy;
  /** The limit of each endpoint kind, with where it comes from; every kind that a role uses needs one. */
  limits: Record<EndpointKind, { limit: number; source: string } | undefined>;
  /** Server connections each pooler pool may open on the database (its pool size). */
  poolerBackendsPerPool: number;
  /** Whether the pooler endpoints front the same server as the direct one (true for Supabase). */
  poolersShareDirectServer: boolean;
  /**
   * Whether a pooler's session and transaction ports draw on one pool of server connections per user +
   * database (Supavisor, true for Supabase; PgBouncer keeps a pool per port and mode).
   * @default false
   */
  poolersSharePoolSize?: boolean;
}

export interface Contribution {
  role: Role;
  machines: number;
  perMachine: number;
  /** Clients with every machine up and nothing rolling out. */
  steady: number;
  /** Clients in the rollout phase (steady machines plus surge). */
  rollout: number;
  /** Clients in the migration phase (old machines plus the migration). */
  migration: number;
}

export interface PoolBudget {
  key: string;
  kind: EndpointKind;
  endpoint: Endpoint;
  limit: number;
  /** Where the limit comes from (a config key or the Supabase compute table), for messages. */
  limitSource: string;
  /** Clients with every machine up and nothing rolling out. */
  steady: number;
  /** Clients while the migration runs (before any machine takes the new image). */
  migrationPhase: number;
  /** Clients while the rollout runs (old and surge machines side by side). */
  rolloutPhase: number;
  /** max(migrationPhase, rolloutPhase): the migration finishes before the rollout starts. */
  peak: number;
  contributions: Contribution[];
  /** Whether web or worker use this pool (console sessions land here). */
  servesApp: boolean;
  hasMigration: boolean;
  /**
   * The key of the pool on the pooler's other port that draws on the same server connections (Supavisor:
   * session and transaction of one user + database), when the deployment uses both.
   */
  sharesPoolSizeWith?: string;
}

/** Computes the budget of every pool that some role uses. */
export function computeBudget(input: BudgetInput): PoolBudget[] {
  const pools = new Map<string, PoolBudget>();
  const poolFor = (endpoint: Endpoint): PoolBudget => {
    const key = poolKey(endpoint);
    let pool = pools.get(key);
    if (!pool) {
      const limit = input.limits[endpoint.kind];
      if (!limit)
        throw new Error(`no limit is known for the ${endpoint.kind} endpoint that the deployment uses (validatePlain reports this first)`);
      pool = {
        key,
        kind: endpoint.kind,
        endpoint,
        limit: limit.limit,
        limitSource: limit.source,
        steady: 0,
        migrationPhase: 0,
        rolloutPhase: 0,
        peak: 0,
        contributions: [],
        servesApp: false,
        hasMigration: false,
      };
      pools.set(key, pool);
    }
    return pool;
  };

  for (const group of input.groups) {
    const pool = poolFor(group.endpoint);
    const steady = group.machines * group.perMachine;
    const surge = surgeMachines(input.strategy, group.machines) * group.perMachine;
    pool.contributions.push({
      role: group.role,
      machines: group.machines,
      perMachine: group.perMachine,
      steady,
      rollout: steady + surge,
      migration: steady,
    });
    pool.servesApp = true;
  }
  const migrationPool = poolFor(input.migration.endpoint);
  migrationPool.hasMigration = true;
  migrationPool.contributions.push({
    role: "migration",
    machines: 1,
    perMachine: input.migration.perMachine,
    steady: 0,
    rollout: 0,
    migration: input.migration.perMachine,
  });

  for (const pool of pools.values()) sumPhases(pool);
  if (input.poolersSharePoolSize) addTransactionBackendsToSession(input, pools);
  addPoolerBackendsToDirect(input, pools);
  return [...pools.values()];
}

/**
 * Supavisor keeps one pool of `pool_size` server connections per user + database, and its session
 * (5432) and transaction (6543) ports both draw on it (supabase/supabase PRs 40373 and 49868; page
 * https://supabase.com/docs/guides/database/connecting-to-postgres). A session client holds a server
 * connection for its whole session; transaction clients hold one per transaction, so at worst as many
 * as they are, capped at the pool size. The session pool's phases therefore carry the transaction
 * port's server connections; the transaction pool keeps its own client cap (max_client_conn).
 */
function addTransactionBackendsToSession(input: BudgetInput, pools: Map<string, PoolBudget>): void {
  const all = [...pools.values()];
  for (const tx of all.filter((p) => p.kind === "transaction")) {
    // Only a session pool shares a transaction pool's server connections (sharesSupavisorPool).
    const session = all.find((p) => sharesSupavisorPool(p.endpoint, tx.endpoint));
    if (!session) continue;
    const backendsAt = (clients: number) => Math.min(clients, input.poolerBackendsPerPool);
    session.contributions.push({
      role: "transaction-backends",
      machines: 1,
      perMachine: backendsAt(tx.peak),
      steady: backendsAt(tx.steady),
      rollout: backendsAt(tx.rolloutPhase),
      migration: backendsAt(tx.migrationPhase),
    });
    session.sharesPoolSizeWith = tx.key;
    tx.sharesPoolSizeWith = session.key;
    sumPhases(session);
  }
}

function sumPhases(pool: PoolBudget): void {
  pool.steady = pool.contributions.reduce((n, c) => n + c.steady, 0);
  pool.migrationPhase = pool.contributions.reduce((n, c) => n + c.migration, 0);
  pool.rolloutPhase = pool.contributions.reduce((n, c) => n + c.rollout, 0);
  pool.peak = Math.max(pool.migrationPhase, pool.rolloutPhase);
}

/**
 * A pooler opens at most pool_size server connections per pool on the database it fronts, and those
 * count against the server's max_connections next to direct clients.
 */
function addPoolerBackendsToDirect(input: BudgetInput, pools: Map<string, PoolBudget>): void {
  if (!input.poolersShareDirectServer) return;
  const direct = [...pools.values()].find((p) => p.kind === "direct");
  if (!direct) return;
  // A transaction pool that shares its server connections with a session pool is counted in that pool.
  const poolers = [...pools.values()].filter((p) => p.kind === "session" || (p.kind === "transaction" && !p.sharesPoolSizeWith));
  for (const pooler of poolers) {
    const backendsAt = (clients: number) => Math.min(clients, input.poolerBackendsPerPool);
    direct.contributions.push({
      role: "pooler-backends",
      machines: 1,
      perMachine: backendsAt(pooler.peak),
      steady: backendsAt(pooler.steady),
      rollout: backendsAt(pooler.rolloutPhase),
      migration: backendsAt(pooler.migrationPhase),
    });
  }
  sumPhases(direct);
}

/**
 * Why the migration must not start beside the machines that run now (`running`, per process group),
 * or undefined when the pool it uses stays within its limit. The budget is computed again with
 * those counts in place of the planned ones, so a group scaled up by hand since the plan shows here.
 */
export function migrationOverflow(input: BudgetInput, running: Record<string, number>): string | undefined {
  const grown = input.groups.filter((g) => (running[g.role] ?? 0) > g.machines);
  if (grown.length === 0) return undefined;
  const observed = computeBudget({ ...input, groups: input.groups.map((g) => ({ ...g, machines: running[g.role] ?? 0 })) });
  // One pool holds the migration (computeBudget marks it): the only one that can stop it here.
  const pool = observed.find((p) => p.hasMigration && p.migrationPhase > p.limit);
  if (!pool) return undefined;
  const groups = grown.map((g) => `${g.role} runs ${running[g.role]} machines where the budget counted ${g.machines}`).join(", ");
  const counts = grown.map((g) => `${g.role}=${g.machines}`).join(" ");
  return `the migration would open ${pool.migrationPhase} clients on ${pool.key}, above its limit of ${pool.limit} (${pool.limitSource}): ${groups}. Nothing was started; web and worker keep their current image. Fix: run pulumi up --refresh, which lowers the groups to their counts before the migration, or lower them by hand (fly scale count ${counts})`;
}
