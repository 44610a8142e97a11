/**
 * The plan rules of lib/rules.ts as CrossGuard policies on the Deployment component, whose inputs are
 * the deployment plan (plain values, known during preview).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { DeploymentPlan } from "../lib/plan";
import { decodePlanInput, DEPLOYMENT_TYPE } from "../lib/planInput";
import { PLAN_RULES, planCredentials, type PlanRule } from "../lib/rules";

/**
 * The last plan text read and its plan. The pack's server calls every policy in turn on one resource,
 * each with its own copy of the inputs, so the text is parsed once per resource, not once per policy.
 * The rules only read the plan they share.
 */
let lastRead: { text: unknown; plan: DeploymentPlan | undefined } = { text: undefined, plan: undefined };

/** The plan a resource carries: a Deployment's `plan` input (lib/planInput.ts), nothing for other types. */
export function planOf(type: string, props: Record<string, unknown>): DeploymentPlan | undefined {
  if (type !== DEPLOYMENT_TYPE) return undefined;
  if (props.plan !== lastRead.text) lastRead = { text: props.plan, plan: decodePlanInput(props.plan) };
  return lastRead.plan;
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
