/**
 * CHATWOOT_BENCH_POOLS components of the Deployment type, each carrying a generated plan with its own
 * pool, and nothing else: what the policy pack sees of N deployments, without the Fly steps.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DeploymentPlan } from "../../../lib/plan";
import { encodePlanInput } from "../../../lib/planInput";
import { DEPLOYMENT_TYPE } from "../../../lib/planInput";
import { poolPlan } from "../poolPlans";

class Deployment extends pulumi.ComponentResource {
  constructor(name: string, plan: DeploymentPlan) {
    // The same input components/chatwootDeployment.ts passes: the plan, read by the pack at preview.
    super(DEPLOYMENT_TYPE, name, { plan: encodePlanInput(plan) });
    this.registerOutputs({});
  }
}

const pools = Number(process.env.CHATWOOT_BENCH_POOLS ?? "1");
for (let i = 0; i < pools; i++) new Deployment(`pool-${i}`, poolPlan(i));
