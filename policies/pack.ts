/**
 * What the pack holds: its name (in `pulumi preview`'s policy section) and one policy per rule of
 * lib/rules.ts. index.ts serves it; the tests check this list, since loading index.ts starts a server.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { noCredentialsInPlainInputs } from "./credentialsPolicy";
import { planPolicies } from "./planPolicies";

export const PACK_NAME = "chatwoot-fly";

export const PACK_POLICIES: ResourceValidationPolicy[] = [...planPolicies, noCredentialsInPlainInputs];
