/** Plain config objects for tests: the staging stack (the incident's app, fixed) and variants. */
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validatePlain } from "../../lib/config/validate";
import type { PlainConfig } from "../../lib/config/schema";
import type { PoolBudget } from "../../lib/budget";
import type { Endpoint } from "../../lib/endpoints";
import { buildPlan, type DeploymentPlan } from "../../lib/plan";

export const REPO = join(__dirname, "..", "..");

/** The tests' own stack file (never a user's Pulumi.<stack>.yaml, which may hold their secrets and salt). */
export const STAGING_FIXTURE = join(__dirname, "..", "fixtures", "staging.yaml");

/** The `chatwoot:*` entries of a stack file, without the namespace. */
export function stackFileConfig(file: string): Record<string, unknown> {
  const doc = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^chatwoot:/, ""), v]));
}

export const stagingRaw = (): Record<string, unknown> => structuredClone(stackFileConfig(STAGING_FIXTURE));

/** Deep-merges `patch` into a copy of the staging config. */
export function stagingWith(patch: Record<string, unknown>): Record<string, unknown> {
  const merge = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...base };
    for (const [k, v] of Object.entries(over)) {
      out[k] =
        v && typeof v === "object" && !Array.isArray(v) && typeof out[k] === "object"
          ? merge(out[k] as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return merge(stagingRaw(), patch);
}

export function validConfig(raw: Record<string, unknown>): PlainConfig {
  const result = validatePlain(raw);
  if (!result.config) throw new Error(`test config is invalid: ${JSON.stringify(result.issues, null, 2)}`);
  return result.config;
}

export const planOf = (raw: Record<string, unknown>): DeploymentPlan => buildPlan(validConfig(raw));

/** The incident: Micro project, web 1 x 5, worker 1 x 10, migration on the session pooler. */
export const incidentRaw = () => stagingWith({ database: { migrations: "session" } });

/**
 * The plan of the staging stack with this rails.extraEnv, past the config check (which refuses a
 * credential there first): what the pack's credentials rule, its second line, sees on the plan.
 */
export function planWithExtraEnv(extraEnv: Record<string, string>): DeploymentPlan {
  const config = validConfig(stagingRaw());
  return buildPlan({ ...config, rails: { ...config.rails, extraEnv } });
}

/** A copy of the plan with its first pool of this kind patched: figures the staging config cannot reach. */
export function withPool(plan: DeploymentPlan, kind: PoolBudget["kind"], patch: Partial<PoolBudget>): DeploymentPlan {
  const copy = structuredClone(plan);
  const pool = copy.budget.find((p) => p.kind === kind);
  if (!pool) throw new Error(`the plan has no ${kind} pool`);
  Object.assign(pool, patch);
  return copy;
}

/** The staging project's Supavisor transaction endpoint (:6543), as chatwoot:database.endpoints.transaction declares it. */
export const STAGING_TRANSACTION = { host: "aws-0-us-east-1.pooler.supabase.com", port: 6543, user: "postgres.hotdashstagingref0" };

/**
 * A `database` patch: the app on that transaction endpoint, with the URL flags Rails needs behind a
 * transaction pooler (no prepared statements, no advisory locks).
 */
export const APP_ON_TRANSACTION = {
  endpoints: { transaction: STAGING_TRANSACTION },
  app: "transaction",
  urlParams: { prepared_statements: "false", advisory_locks: "false" },
};

/** A Supavisor session-mode endpoint of a project `ref`, as config validation builds one. */
export const SESSION_ENDPOINT: Endpoint = {
  kind: "session",
  host: "aws-0-us-east-1.pooler.supabase.com",
  port: 5432,
  user: "postgres.ref",
  database: "postgres",
  sslmode: "require",
};
