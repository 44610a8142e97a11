/**
 * The policy rules over a deployment plan, as plain functions. The CrossGuard pack (policies/) wraps
 * them and the config checker (tools/check) runs them, so both give the same verdicts and messages.
 */
import { surgeMachines, type PoolBudget } from "./budget";
import { SERVED_CHECK_PATHS } from "./chatwoot";
import { TRANSACTION_POOLER_FLAGS } from "./endpoints";
import { findCredentials } from "./credentials";
import type { DeploymentPlan } from "./plan";

export type Enforcement = "mandatory" | "advisory";

export interface PlanRule {
  name: string;
  description: string;
  enforcement: Enforcement;
  check(plan: DeploymentPlan): string[];
}

/**
 * Memory floor for web and worker: Chatwoot's requirements page asks 4 GB for a whole install and notes
 * that Sidekiq alone can use 1 GB+ (https://www.chatwoot.com/docs/self-hosted/deployment/requirements).
 */
export const MEMORY_FLOOR_MB = 1024;

function describePool(pool: PoolBudget): string {
  const parts = pool.contributions.map((c) =>
    c.role === "migration"
      ? `migration ${c.perMachine}`
      : c.role === "pooler-backends"
        ? `pooler backends ${c.perMachine}`
        : `${c.role} ${c.machines}x${c.perMachine}`,
  );
  return `${pool.key} (${parts.join(" + ")})`;
}

const poolsOf = (plan: DeploymentPlan, kind: PoolBudget["kind"]) => plan.budget.filter((p) => p.kind === kind);

/**
 * The change that brings a session pool under its limit: the migration off the pool when the migration
 * phase overflows, and fewer clients at the rollout peak when that overflows too (a cut of Sidekiq
 * threads counts once per worker machine, surge machines included).
 */
function capacityFix(plan: DeploymentPlan, pool: PoolBudget): string {
  const fixes: string[] = [];
  if (pool.hasMigration && pool.servesApp && pool.migrationPhase > pool.limit) {
    fixes.push(`run migrations on the direct endpoint (pulumi config set --path chatwoot:database.migrations direct)`);
  }
  const over = (pool.servesApp ? pool.rolloutPhase : 0) - pool.limit;
  if (over > 0) {
    const worker = plan.groups.worker;
    const workersAtPeak = worker.count + surgeMachines(plan.strategy, worker.count);
    // Threads each worker machine gives up; without workers over / 0 is Infinity, and no count is suggested.
    const sidekiq = worker.connectionsPerMachine - Math.ceil(over / workersAtPeak);
    fixes.push(
      `lower web and worker by ${over} clients at the rollout peak: ${sidekiq >= 1 ? `e.g. rails.sidekiqConcurrency to ${sidekiq}, ` : ""}fewer threads or machines, a strategy without surge (deploy.strategy rolling), or raise the pool size (database.limits.poolSize / a larger compute size)`,
    );
  }
  return fixes.length
    ? fixes.join("; then ")
    : `lower the clients by ${pool.peak - pool.limit} or raise the pool size (database.limits.poolSize / a larger compute size)`;
}

export const sessionPoolCapacity: PlanRule = {
  name: "session-pool-capacity",
  description: "Peak clients of each session-mode pool (web, worker, rollout surge and a migration on it) fit pool_size.",
  enforcement: "mandatory",
  check: (plan) =>
    poolsOf(plan, "session")
      .filter((pool) => pool.peak > pool.limit)
      .map(
        (pool) =>
          `session pool ${describePool(pool)} peaks at ${pool.peak} clients but pool_size is ${pool.limit} (${pool.limitSource}); client ${pool.limit + 1} gets MaxClientsInSessionMode. Fix: ${capacityFix(plan, pool)}`,
      ),
};

export const migrationsOffSharedSessionPool: PlanRule = {
  name: "migrations-off-shared-session-pool",
  description: "A migration does not join the app's own session pool when the app already fills it.",
  enforcement: "mandatory",
  check: (plan) =>
    poolsOf(plan, "session")
      .filter((pool) => pool.hasMigration && pool.servesApp && pool.migrationPhase > pool.limit)
      .map(
        (pool) =>
          `the migration runs on the app's session pool ${pool.key}: web and worker hold ${pool.steady} of its ${pool.limit} clients and the migration needs ${pool.migrationPhase - pool.steady} more, so client ${pool.limit + 1} is refused with MaxClientsInSessionMode. Fix: pulumi config set --path chatwoot:database.migrations direct`,
      ),
};

export const migrationsOffTransactionPooler: PlanRule = {
  name: "migrations-off-transaction-pooler",
  description: "Migrations never use a transaction-mode endpoint (db:migrate takes a session-level advisory lock).",
  enforcement: "mandatory",
  check: (plan) =>
    plan.endpoints.migration.kind === "transaction"
      ? [
          `migrations use the transaction pooler ${plan.endpoints.migration.host}:${plan.endpoints.migration.port}; rails db:migrate takes a session-level advisory lock that a transaction pooler cannot hold. Fix: pulumi config set --path chatwoot:database.migrations direct`,
        ]
      : [],
};

export const transactionPoolerRuntimeFlags: PlanRule = {
  name: "transaction-pooler-runtime-flags",
  description: "An app on a transaction pooler turns off prepared statements and advisory locks in its URL.",
  enforcement: "mandatory",
  check: (plan) => {
    if (plan.endpoints.app.kind !== "transaction") return [];
    const missing = Object.entries(TRANSACTION_POOLER_FLAGS).filter(([key, value]) => plan.appUrlParams[key] !== value);
    return missing.length
      ? [
          `the app uses the transaction pooler ${plan.endpoints.app.host}:${plan.endpoints.app.port} without ${missing.map(([k, v]) => `${k}=${v}`).join(" and ")} in its URL; Rails would use prepared statements and session advisory locks that the pooler drops. Fix: ${missing.map(([k, v]) => `pulumi config set --path chatwoot:database.urlParams.${k} ${v}`).join("; ")}`,
        ]
      : [];
  },
};

export const directConnectionCapacity: PlanRule = {
  name: "direct-connection-capacity",
  description: "Direct clients (and pooler backends on the same server) fit max_connections minus the reserve.",
  enforcement: "mandatory",
  check: (plan) =>
    poolsOf(plan, "direct")
      .filter((pool) => pool.peak > pool.limit)
      .map(
        (pool) =>
          `direct connections ${describePool(pool)} peak at ${pool.peak} but only ${pool.limit} are available (${pool.limitSource}). Fix: move web/worker to the session pooler (database.app session), lower threads or machine counts, or a larger compute size`,
      ),
};

export const transactionPoolCapacity: PlanRule = {
  name: "transaction-pool-capacity",
  description: "Peak clients of a transaction-mode pooler fit its max_client_conn.",
  enforcement: "mandatory",
  check: (plan) =>
    poolsOf(plan, "transaction")
      .filter((pool) => pool.peak > pool.limit)
      .map(
        (pool) =>
          `transaction pooler ${describePool(pool)} peaks at ${pool.peak} clients but max_client_conn is ${pool.limit} (${pool.limitSource}); extra clients get EMAXCONN. Fix: fewer machines or threads, or a larger compute size`,
      ),
};

export const poolHeadroom: PlanRule = {
  name: "pool-headroom",
  description: "Each pool keeps room for operator consoles and stays below the headroom share of its limit.",
  enforcement: "advisory",
  check: (plan) =>
    plan.budget
      .filter((p) => p.peak <= p.limit)
      .flatMap((pool) => {
        const reserve = pool.servesApp ? plan.consoleReserve : 0;
        const share = Math.round((pool.peak / pool.limit) * 100);
        const notes: string[] = [];
        if (pool.limit - pool.peak < reserve) {
          notes.push(
            `pool ${describePool(pool)} peaks at ${pool.peak} of ${pool.limit}: no room for ${reserve} console session(s) (fly ssh console + rails console opens a client on it). Fix: lower rails.sidekiqConcurrency or rails.railsMaxThreads by ${reserve - (pool.limit - pool.peak)}, or raise the pool size`,
          );
        }
        if (share > plan.headroomPercent) {
          notes.push(
            `pool ${describePool(pool)} peaks at ${pool.peak} of ${pool.limit} (${share}%, above ${plan.headroomPercent}%). Fix: lower threads or machine counts, or raise the pool size`,
          );
        }
        return notes;
      }),
};

export const healthCheckPath: PlanRule = {
  name: "health-check-path",
  description: `The web check path is one Chatwoot serves (${SERVED_CHECK_PATHS.join(", ")}).`,
  enforcement: "mandatory",
  check: (plan) =>
    (SERVED_CHECK_PATHS as readonly string[]).includes(plan.healthCheckPath)
      ? []
      : [
          `the web health check uses ${plan.healthCheckPath}, which Chatwoot does not serve (it answers 404, so every deploy fails its checks). Fix: pulumi config set --path chatwoot:deploy.healthCheckPath /health (liveness) or /api (readiness)`,
        ],
};

export const memoryFloor: PlanRule = {
  name: "memory-floor",
  description: `web and worker get at least ${MEMORY_FLOOR_MB} MB (Chatwoot requirements: Sidekiq can use 1 GB+).`,
  enforcement: "advisory",
  check: (plan) =>
    (["web", "worker"] as const)
      .filter((group) => plan.groups[group].memoryMb < MEMORY_FLOOR_MB)
      .map(
        (group) =>
          `${group} machines have ${plan.groups[group].memoryMb} MB, below the ${MEMORY_FLOOR_MB} MB floor (Chatwoot docs: 4 GB for a whole install, Sidekiq 1 GB+). Fix: pulumi config set --path chatwoot:processes.${group}.memoryMb ${MEMORY_FLOOR_MB}`,
      ),
};

export const planCredentials: PlanRule = {
  name: "no-credentials-in-plain-inputs",
  description: "No DSN or Redis URL with a password, SECRET_KEY_BASE or Fly token in fly.toml [env] or other plain inputs.",
  enforcement: "mandatory",
  check: (plan) =>
    findCredentials(plan.flyToml).map(
      (what) =>
        `the generated fly.toml contains ${what}; [env] is plain text on Fly and in the state. Fix: remove it from rails.extraEnv and set it as a secret: pulumi config set --secret --path 'chatwoot:secretEnv.<NAME>' <value> (the stack's own credentials have their keys: databasePassword, redisUrl, secretKeyBase, flyApiToken; docs/config.md); then rotate it, it was in the stack file`,
    ),
};

/**
 * Attachments off the machine's disk: Chatwoot's `local` Active Storage service writes them under the
 * app's storage/ directory (config/storage.yml, v4.14.0), and a Fly machine's root disk is replaced on
 * every deploy, restart and scale, so they are lost (chatwoot/chatwoot issues 6832, 1558, 1258). Lower it
 * with --policy-pack-config '{"attachments-off-machine-disk": "advisory"}' for a throwaway install.
 */
export const attachmentsOffMachineDisk: PlanRule = {
  name: "attachments-off-machine-disk",
  description: "Attachments go to object storage, not to the Fly machine's disk (ACTIVE_STORAGE_SERVICE local).",
  enforcement: "mandatory",
  check: (plan) =>
    plan.storage.service === "local"
      ? [
          `ACTIVE_STORAGE_SERVICE is local: Chatwoot writes attachments to the Fly machine's disk, which every deploy, restart and scale replaces, so they are lost. Fix: keep them in a bucket: pulumi config set --path chatwoot:storage.service s3_compatible, plus storage.bucket, storage.endpoint (Tigris: fly storage create, https://fly.storage.tigris.dev; Supabase Storage: https://<ref>.supabase.co/storage/v1/s3 with storage.forcePathStyle true) and the secret keys chatwoot:storageAccessKeyId and chatwoot:storageSecretAccessKey (docs/config.md). For a throwaway install: --policy-pack-config '{"attachments-off-machine-disk": "advisory"}'`,
        ]
      : [],
};

/**
 * Supabase's Data API (PostgREST) serves the project's `postgres` database and exposes its `public`
 * schema by default; any table there without Row Level Security can be read and written by whoever
 * holds the project's URL and anon key (https://supabase.com/docs/guides/database/hardening-data-api,
 * Supabase's linter 0013 "RLS disabled in public"). Chatwoot creates its tables in `public` without RLS
 * (db/schema.rb). The plan cannot see the project's setting, so this is an advisory the operator
 * silences with database.dataApiHardened once the Data API is off or no longer exposes `public`.
 */
export const supabaseDataApiExposure: PlanRule = {
  name: "supabase-data-api-exposure",
  description: "On Supabase, Chatwoot's tables in public of the postgres database are not exposed through the Data API.",
  enforcement: "advisory",
  check: (plan) =>
    plan.database.provider === "supabase" && plan.database.name === "postgres" && !plan.database.dataApiHardened
      ? [
          `Chatwoot creates its tables in the public schema of the postgres database without Row Level Security, and Supabase's Data API exposes public by default: anyone with the project URL and its anon key could read and change conversations and contacts. Fix: disable the Data API (Dashboard: Project Settings > Data API), or remove public from its exposed schemas, or give Chatwoot a database of its own (database.name other than postgres; the Data API serves only postgres); then pulumi config set --path chatwoot:database.dataApiHardened true`,
        ]
      : [],
};

export const PLAN_RULES: readonly PlanRule[] = [
  sessionPoolCapacity,
  migrationsOffTransactionPooler,
  migrationsOffSharedSessionPool,
  transactionPoolerRuntimeFlags,
  directConnectionCapacity,
  transactionPoolCapacity,
  poolHeadroom,
  healthCheckPath,
  memoryFloor,
  planCredentials,
  attachmentsOffMachineDisk,
  supabaseDataApiExposure,
];

export interface Verdict {
  rule: string;
  enforcement: Enforcement;
  message: string;
}

export function evaluatePlan(plan: DeploymentPlan, rules: readonly PlanRule[] = PLAN_RULES): Verdict[] {
  return rules.flatMap((rule) => rule.check(plan).map((message) => ({ rule: rule.name, enforcement: rule.enforcement, message })));
}
