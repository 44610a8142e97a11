/** The policy pack's entry: the only file that constructs PolicyPack (it opens a gRPC server). */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, PACK_POLICIES } from "./pack";

new PolicyPack(PACK_NAME, { policies: PACK_POLICIES });
