/**
 * no-credentials-in-plain-inputs. Policies receive secret values unwrapped, so they cannot tell a
 * secret from a plain value; instead this checks the places where a credential must never land: the
 * command lines, triggers and non-secret environment of every Command, every property of the Fly
 * provider's resources but their secret ones (FLY_CREDENTIAL_PROPS), and the generated fly.toml.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FLY_CREDENTIAL_PROPS, FLY_RESOURCE_TYPES } from "../lib/flyResources";
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

/** Where each property of a Fly provider resource that must hold no credential holds text: property name -> text. */
export function plainFlyResourceInputs(props: Record<string, unknown>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    if (FLY_CREDENTIAL_PROPS.includes(name) || value === undefined) continue;
    found[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return found;
}

/** The inputs of a resource that must hold no credential, by resource type; none for other types. */
function plainInputsOf(type: string, props: Record<string, unknown>): Record<string, string> {
  if (type === COMMAND_TYPE) return plainCommandInputs(props);
  if (FLY_RESOURCE_TYPES.includes(type)) return plainFlyResourceInputs(props);
  return {};
}

export const noCredentialsInPlainInputs: ResourceValidationPolicy = {
  name: planCredentials.name,
  description: planCredentials.description,
  enforcementLevel: planCredentials.enforcement,
  validateResource: (args, reportViolation) => {
    const plan = planOf(args.type, args.props);
    if (plan) for (const message of planCredentials.check(plan)) reportViolation(message);
    const fix =
      args.type === COMMAND_TYPE
        ? `pass it through a secret environment variable (${CREDENTIAL_ENV_VARS.join(", ")})`
        : "pass a credential only as the Fly API token (apiToken) or among the app's secrets (values)";
    for (const [input, text] of Object.entries(plainInputsOf(args.type, args.props))) {
      for (const what of findCredentials(text)) {
        reportViolation(
          `${args.name}: input ${input} contains ${what}; it would be stored in plaintext and may reach argv or logs. Fix: ${fix}`,
        );
      }
    }
  },
};
