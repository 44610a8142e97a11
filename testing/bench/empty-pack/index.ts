// A pack with no policies: with the empty program, the floor of the preview benchmark (engineOverhead.ts).
import { PolicyPack } from "@pulumi/policy";

new PolicyPack("chatwoot-fly-bench-empty", { policies: [] });
