/**
 * The plan rules of lib/rules.ts as CrossGuard policies on the Deployment component, whose inputs are
 * the deployment plan (plain values, known during preview).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { DeploymentPlan } from "../lib/plan";
import { PLAN_RULES, planCredentials, type PlanRule } from "../lib/rules";

/** Type token of components/chatwootDeployment.ts. */
export const DEPLOYMENT_TYPE = "chatwoot:index:Deployment";

export function planOf(type: string, props: Record<string, unknown>): DeploymentPlan | undefined {
  return type === DEPLOYMENT_TYPE ? (props.plan as DeploymentPlan | undefined) : undefined;
}

export function planPolicy(rule: PlanRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcement,
    validateResource: (args, reportViolation) => {
      const plan = planOf(args.type, args.props);
      if (plan) for (const message of rule.check(plan)) reportViolation(message);
    },
  };
}

/** Every plan rule but the credential one, which policies/credentialsPolicy.ts extends to Commands. */
export const planPolicies: ResourceValidationPolicy[] = PLAN_RULES.filter((rule) => rule !== planCredentials).map(planPolicy);
