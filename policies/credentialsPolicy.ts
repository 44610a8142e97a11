/**
 * no-credentials-in-plain-inputs. Policies receive secret values unwrapped, so they cannot tell a
 * secret from a plain value; instead this checks the places where a credential must never land: the
 * command lines, triggers and non-secret environment of every Command, and the generated fly.toml.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CREDENTIAL_ENV_VARS } from "../lib/stepContract";
import { findCredentials } from "../lib/credentials";
import { planCredentials } from "../lib/rules";
import { planOf } from "./planPolicies";

export const COMMAND_TYPE = "command:local:Command";

const PLAIN_STRING_INPUTS = ["create", "update", "delete", "dir"] as const;

/** Where each plain input of a Command holds text: input name -> text. */
export function plainCommandInputs(props: Record<string, unknown>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const key of PLAIN_STRING_INPUTS) if (typeof props[key] === "string") found[key] = props[key] as string;
  if (Array.isArray(props.interpreter)) found.interpreter = props.interpreter.join(" ");
  if (props.triggers !== undefined) found.triggers = JSON.stringify(props.triggers);
  const environment = (props.environment ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(environment)) {
    if (!CREDENTIAL_ENV_VARS.includes(name) && typeof value === "string") found[`environment.${name}`] = value;
  }
  return found;
}

export const noCredentialsInPlainInputs: ResourceValidationPolicy = {
  name: planCredentials.name,
  description: planCredentials.description,
  enforcementLevel: planCredentials.enforcement,
  validateResource: (args, reportViolation) => {
    const plan = planOf(args.type, args.props);
    if (plan) for (const message of planCredentials.check(plan)) reportViolation(message);
    if (args.type !== COMMAND_TYPE) return;
    for (const [input, text] of Object.entries(plainCommandInputs(args.props))) {
      for (const what of findCredentials(text)) {
        reportViolation(
          `${args.name}: input ${input} contains ${what}; it would be stored in plaintext and may reach argv or logs. Fix: pass it through a secret environment variable (${CREDENTIAL_ENV_VARS.join(", ")})`,
        );
      }
    }
  },
};
