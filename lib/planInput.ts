/**
 * The Deployment component's one input, `plan`: the deployment plan (lib/plan.ts) as JSON text. The
 * component writes it (components/chatwootDeployment.ts) and the policy pack reads it
 * (policies/planPolicies.ts).
 *
 * Why text and not an object: the engine sends a resource's inputs to the pack as a protobuf Struct,
 * and @pulumi/policy decodes that Struct once per gRPC call and converts it once per policy (12 policies,
 * plus Remediate and the stack-wide call). A plan is about 170 Struct values, and that decoding was
 * most of the pack's work on large stacks (docs/benchmarks.md, section 5); one string is one value.
 * `pulumi preview --diff` still shows the plan field by field: the CLI's diff view decodes a JSON
 * string and prints it as an object, marked "(json)" (pkg/backend/display/object_diff.go, decodeValue).
 */
import type { DeploymentPlan } from "./plan";

/** Type token of the component whose `plan` input this is (components/chatwootDeployment.ts): its class name. */
export const DEPLOYMENT_TYPE = "chatwoot:index:ChatwootDeployment";

/** The text the component passes as its `plan` input. */
export function encodePlanInput(plan: DeploymentPlan): string {
  return JSON.stringify(plan);
}

/**
 * The plan in a Deployment's `plan` input; undefined when there is no such input. Any other value
 * means the component and the pack disagree on this contract, and a pack that skipped it would pass
 * every stack unchecked, so it throws.
 */
export function decodePlanInput(input: unknown): DeploymentPlan | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== "string") {
    throw new Error(
      `the Deployment's plan input is a ${typeof input}, not the JSON text of lib/planInput.ts: build the program and the pack from the same commit`,
    );
  }
  return JSON.parse(input) as DeploymentPlan;
}
