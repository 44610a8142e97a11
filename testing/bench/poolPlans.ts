/**
 * Generated deployment plans for the scaling benchmarks: the staging stack's plain config, varied so
 * that every plan has its own pool (its own Supabase project ref: pooler user and direct host) and
 * compute size, validated and built by lib/ exactly as the program builds its plan.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { validatePlain } from "../../lib/config/validate";
import { buildPlan, type DeploymentPlan } from "../../lib/plan";
import { evaluatePlan } from "../../lib/rules";
import { computeLimits, SUPABASE_COMPUTE_SIZES } from "../../lib/supabaseLimits";

const REPO = join(__dirname, "..", "..");

/** The plain (non-secret) `chatwoot:*` values of the staging fixture (tests/fixtures/staging.yaml), without the namespace. */
export function stagingPlain(): Record<string, unknown> {
  const staging = parse(readFileSync(join(REPO, "tests/fixtures/staging.yaml"), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(staging.config).map(([k, v]) => [k.replace(/^chatwoot:/, ""), v]));
}

export function stagingPlan(): DeploymentPlan {
  return buildPlan(validatePlain(stagingPlain()).config!);
}

type Raw = {
  app: Record<string, unknown>;
  processes: Record<string, Record<string, unknown>>;
  database: { computeSize: string; endpoints: Record<string, { host: string; user: string }> };
};

/** Plan i: project ref `benchref<i>`, compute sizes in turn (micro to 2xl), web scaled to what the pool holds. */
export function poolPlan(i: number): DeploymentPlan {
  const raw = structuredClone(stagingPlain()) as unknown as Raw;
  const ref = `benchref${i}`;
  const size = SUPABASE_COMPUTE_SIZES[1 + (i % 6)];
  raw.app.name = `bench-pool-${i}`;
  raw.database.computeSize = size;
  raw.database.endpoints.direct.host = `db.${ref}.supabase.co`;
  raw.database.endpoints.session.user = `postgres.${ref}`;
  // web 5 clients a machine, worker 10: a pool of 20 or more holds a second web machine.
  raw.processes.web.count = computeLimits(size).poolSize >= 20 ? 2 : 1;
  const { config, issues } = validatePlain(raw as unknown as Record<string, unknown>);
  if (!config) throw new Error(`generated config ${i} is invalid: ${JSON.stringify(issues)}`);
  const plan = buildPlan(config);
  const mandatory = evaluatePlan(plan).filter((v) => v.enforcement === "mandatory");
  if (mandatory.length > 0) throw new Error(`generated plan ${i} breaks a mandatory rule: ${mandatory[0].message}`);
  return plan;
}
