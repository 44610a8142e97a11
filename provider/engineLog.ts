/**
 * The steps' progress lines, sent to the engine's Log RPC with the resource's URN: `pulumi up` shows
 * them beside the resource and keeps them in its diagnostics ("scaled chatwoot: worker=1"), as the
 * Commands' logs were shown. Never on stdout, which is the engine's (the port goes there first).
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

export type Log = (urn: string, line: string) => void;

/**
 * The engine's address: the first plugin argument that is neither a flag nor the value of
 * `--tracing` (the flags the engine may put first: --logtostderr, -v=N, --tracing URL).
 */
export function engineAddress(pluginArgs: string[]): string | undefined {
  return pluginArgs.find((arg, i) => !arg.startsWith("-") && pluginArgs[i - 1] !== "--tracing");
}

/** A logger to the engine at the address among the plugin's arguments; stderr when there is none. */
export function engineLog(pluginArgs: string[]): Log {
  const address = engineAddress(pluginArgs);
  if (address === undefined) return (_urn, line) => process.stderr.write(`${line}\n`);
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  return (urn, line) => {
    const request = new LogRequest();
    request.setSeverity(LogSeverity.INFO);
    request.setUrn(urn);
    request.setMessage(line);
    // A lost progress line must not fail the resource's operation.
    client.log(request, () => undefined);
  };
}
