/**
 * Chatwoot on Fly.io with a Supabase (or any PostgreSQL) database. The config is validated first;
 * the plan derived from it drives the resources and is what the policy pack checks.
 */
import { ChatwootDeployment } from "./components/chatwootDeployment";
import { loadStackConfig } from "./config";
import { buildPlan } from "./lib/plan";

const { config, credentials } = loadStackConfig();
const plan = buildPlan(config);

const deployment = new ChatwootDeployment("chatwoot", {
  plan,
  flyctl: config.flyctl,
  flyctlTimeoutSeconds: config.deploy.flyctlTimeoutSeconds,
  frontendUrl: config.frontendUrl,
  backendUrl: config.backendUrl,
  credentials,
});

export const appName = deployment.appName;
export const url = deployment.url;
export const image = deployment.image;
/** Peak clients against the limit, per pool. */
export const connectionBudget = deployment.budget.apply((pools) =>
  pools.map((p) => ({ pool: p.key, mode: p.kind, peak: p.peak, limit: p.limit ?? null, steady: p.steady })),
);
export const lastMigration = deployment.lastMigration;
