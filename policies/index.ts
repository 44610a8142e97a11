/** The policy pack's entry: the only file that constructs PolicyPack (it opens a gRPC server). */
import { PolicyPack } from "@pulumi/policy";
import { noCredentialsInPlainInputs } from "./credentialsPolicy";
import { planPolicies } from "./planPolicies";

new PolicyPack("chatwoot-fly", {
  policies: [...planPolicies, noCredentialsInPlainInputs],
});
