/**
 * The provider plugin `pulumi-resource-chatwoot-fly` (bin/pulumi-resource-chatwoot-fly, found by the
 * engine through Pulumi.yaml `plugins`). The engine passes its own address as the first argument; the
 * steps' progress goes there (engineLog.ts).
 */
import { main } from "@pulumi/pulumi/provider";
import { engineLog } from "./engineLog";
import { flyProvider } from "./flyProvider";

const args = process.argv.slice(2);
void main(flyProvider(engineLog(args)), args);
