/**
 * The program's body as a function: validates the stack's config, derives the plan and builds the
 * deployment from it. index.ts runs it once and exports its outputs; the unit tests run it under
 * pulumi.runtime.setMocks once per case, without loading the SDK again for each run.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ChatwootDeployment } from "./components/chatwootDeployment";
import { loadStackConfig } from "./config";
import { buildPlan } from "./lib/plan";

/** The stack outputs (index.ts exports each). */
export interface StackOutputs {
  appName: pulumi.Output<string>;
  url: pulumi.Output<string>;
  image: pulumi.Output<string>;
  /** Peak clients against the limit, per pool. */
  connectionBudget: pulumi.Output<Array<{ pool: string; mode: string; peak: number; limit: number; steady: number }>>;
  lastMigration: ChatwootDeployment["lastMigration"];
}

export function chatwootStack(): StackOutputs {
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

  return {
    appName: deployment.appName,
    url: deployment.url,
    image: deployment.image,
    connectionBudget: deployment.budget.apply((pools) =>
      pools.map((p) => ({ pool: p.key, mode: p.kind, peak: p.peak, limit: p.limit, steady: p.steady })),
    ),
    lastMigration: deployment.lastMigration,
  };
}
