/**
 * A test oracle for the connection budget (lib/budget.ts), written apart from it: it plays a deploy
 * as a sequence of moments (which machines run), lets every thread of every running process hold one
 * connection, and counts each pool's clients at each moment. A phase's figure is its busiest moment.
 *
 * What it models, from the sources docs/connection-budget.md names:
 * - a web machine runs max(1, WEB_CONCURRENCY) Puma processes of RAILS_MAX_THREADS threads, a worker
 *   machine one Sidekiq process of SIDEKIQ_CONCURRENCY threads (Chatwoot's config/puma.rb,
 *   config/sidekiq.yml, config/database.yml); the migration one connection, two on Rails 6.0-7.0;
 * - the migration runs beside the old machines, and ends before the rollout starts;
 * - Fly's strategies: rolling and immediate stop, update and start each machine in place; canary
 *   boots one new machine per group first; bluegreen boots a whole green set before the blue one stops;
 * - every group rolls out at the same time, step for step: the worst interleaving;
 * - a pooler holds at most its pool size of server connections per pool, on the server it fronts;
 *   Supavisor's session and transaction ports of one user + database share that pool.
 */
// Types only: the counting below shares no code with lib/budget.ts.
import type { RailsSettings, Strategy } from "../../lib/budget";
import type { Endpoint } from "../../lib/endpoints";

export interface SimDeployment {
  threads: { railsMax: number; webConcurrency: number; sidekiq: number; railsLine: RailsSettings["version"] };
  machines: { web: number; worker: number };
  endpoints: { web: Endpoint; worker: Endpoint; migration: Endpoint };
  strategy: Strategy;
  /** Server connections a pooler opens per pool. */
  poolSize: number;
  /** Whether the poolers front the server of the direct endpoint. */
  poolersOnDirectServer: boolean;
  /** Whether a session and a transaction pool of one user + database share their server connections. */
  sharedPoolSize: boolean;
}

export interface SimPhases {
  steady: number;
  migrationPhase: number;
  rolloutPhase: number;
  peak: number;
}

type Role = "web" | "worker" | "migration";
/** How many machines of each role run at one moment. */
type Moment = Record<Role, number>;

/** The connections one running machine of a role holds: processes x threads. */
function connectionsOf(role: Role, t: SimDeployment["threads"]): number {
  if (role === "web") {
    const processes = t.webConcurrency > 0 ? t.webConcurrency : 1;
    return processes * t.railsMax;
  }
  if (role === "worker") return t.sidekiq;
  return t.railsLine === "6.0-7.0" ? 2 : 1;
}

/** One group's machine counts, moment by moment, as its strategy replaces n machines. */
function rolloutOfGroup(strategy: Strategy, n: number): number[] {
  const moments = [n];
  if (strategy === "bluegreen") {
    moments.push(2 * n, n); // green up beside blue; blue stopped
    return moments;
  }
  if (strategy === "canary" && n > 0) moments.push(n + 1, n); // the canary boots, then goes
  for (let i = 0; i < n; i++) moments.push(n - 1, n); // one machine stopped, updated, started
  return moments;
}

function momentsOf(d: SimDeployment): { steady: Moment[]; migration: Moment[]; rollout: Moment[] } {
  const { web, worker } = d.machines;
  const webSteps = rolloutOfGroup(d.strategy, web);
  const workerSteps = rolloutOfGroup(d.strategy, worker);
  const rollout: Moment[] = [];
  for (let i = 0; i < Math.max(webSteps.length, workerSteps.length); i++)
    rollout.push({
      web: webSteps[Math.min(i, webSteps.length - 1)],
      worker: workerSteps[Math.min(i, workerSteps.length - 1)],
      migration: 0,
    });
  return {
    steady: [{ web, worker, migration: 0 }],
    migration: [
      { web, worker, migration: 0 },
      { web, worker, migration: 1 },
    ],
    rollout,
  };
}

/** The pool an endpoint's clients land on: a server for direct connections, user + database on a pooler port. */
function poolOf(e: Endpoint): string {
  return e.kind === "direct" ? `direct ${e.host}:${e.port}` : `${e.kind} ${e.host}:${e.port} user=${e.user} db=${e.database}`;
}

/** Clients of every pool at one moment. */
function clientsAt(d: SimDeployment, moment: Moment): Map<string, number> {
  const clients = new Map<string, number>();
  for (const role of ["web", "worker", "migration"] as const) {
    const pool = poolOf(d.endpoints[role]);
    clients.set(pool, (clients.get(pool) ?? 0) + moment[role] * connectionsOf(role, d.threads));
  }
  const endpointOf = new Map(Object.values(d.endpoints).map((e) => [poolOf(e), e]));
  const held = (clientsOfPool: number) => Math.min(clientsOfPool, d.poolSize);
  // Supavisor: the transaction port's server connections are the session pool's too.
  const folded = new Set<string>();
  if (d.sharedPoolSize)
    for (const [tx, txClients] of [...clients]) {
      const txEnd = endpointOf.get(tx)!;
      if (txEnd.kind !== "transaction") continue;
      const session = [...clients.keys()].find((key) => {
        const e = endpointOf.get(key)!;
        return e.kind === "session" && e.host === txEnd.host && e.user === txEnd.user && e.database === txEnd.database;
      });
      if (session === undefined) continue;
      clients.set(session, clients.get(session)! + held(txClients));
      folded.add(tx);
    }
  const direct = [...clients.keys()].find((key) => endpointOf.get(key)!.kind === "direct");
  if (d.poolersOnDirectServer && direct !== undefined) {
    let backends = 0;
    for (const [pool, n] of clients) if (endpointOf.get(pool)!.kind !== "direct" && !folded.has(pool)) backends += held(n);
    clients.set(direct, clients.get(direct)! + backends);
  }
  return clients;
}

/** Each pool's busiest moment in each phase. */
export function simulatePools(d: SimDeployment): Map<string, SimPhases> {
  const moments = momentsOf(d);
  // Each moment counted once; a phase's figure for a pool is its largest count among them.
  const steady = moments.steady.map((m) => clientsAt(d, m));
  const migration = moments.migration.map((m) => clientsAt(d, m));
  const rollout = moments.rollout.map((m) => clientsAt(d, m));
  const busiest = (phase: Map<string, number>[], pool: string) => Math.max(...phase.map((counts) => counts.get(pool) ?? 0));
  const pools = new Map<string, SimPhases>();
  for (const pool of steady[0].keys()) {
    const migrationPhase = busiest(migration, pool);
    const rolloutPhase = busiest(rollout, pool);
    pools.set(pool, { steady: busiest(steady, pool), migrationPhase, rolloutPhase, peak: Math.max(migrationPhase, rolloutPhase) });
  }
  return pools;
}
