/**
 * flyctl calls, as bin/flyctl announces them: each call gets a listener of its own (so every request
 * is known to belong to it), its fault (faults.json, as fake-flyctl reads it) and, when it ends, a
 * line in calls.jsonl in fake-flyctl's format, so tests read one log whichever flyctl ran.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { appendCall } from "../../fake-flyctl/src/calllog";
import { type Fault, takeFault } from "../../fake-flyctl/src/faults";

/** The contract's commands (docs/flyctl-contract.md), with flyctl's aliases, and whether they mutate. */
const GROUPS: Record<string, { name: string; children: Record<string, string> }> = {
  apps: {
    name: "apps",
    children: { list: "list", ls: "list", create: "create", destroy: "destroy", delete: "destroy", remove: "destroy", rm: "destroy" },
  },
  app: { name: "apps", children: {} },
  secrets: { name: "secrets", children: { list: "list", ls: "list", import: "import", unset: "unset", remove: "unset", rm: "unset" } },
  scale: { name: "scale", children: { count: "count", memory: "memory" } },
  machine: {
    name: "machine",
    children: { run: "run", wait: "wait", stop: "stop", list: "list", ls: "list", destroy: "destroy", remove: "destroy", rm: "destroy" },
  },
  machines: { name: "machine", children: {} },
  m: { name: "machine", children: {} },
};
GROUPS.app.children = GROUPS.apps.children;
GROUPS.machines.children = GROUPS.machine.children;
GROUPS.m.children = GROUPS.machine.children;

const MUTATING = new Set([
  "apps create",
  "apps destroy",
  "secrets import",
  "secrets unset",
  "deploy",
  "scale count",
  "scale memory",
  "machine run",
  "machine stop",
  "machine destroy",
]);

/** The contract key of an argv (`machine run`, `deploy`, ...), or null for anything else. */
export function commandKey(argv: string[]): string | null {
  const words = argv.filter((a) => !a.startsWith("-"));
  if (words[0] === "deploy") return "deploy";
  const group = GROUPS[words[0] ?? ""];
  const child = group?.children[words[1] ?? ""];
  return group && child ? `${group.name} ${child}` : null;
}

export interface Call {
  id: string;
  argv: string[];
  command: string | null;
  mutating: boolean;
  started: number;
  fault?: Fault;
  /** A request of this call changed the state. */
  changed: boolean;
  requests: number;
  server: http.Server;
  port: number;
}

export class Calls {
  private next = 1;
  private readonly open = new Map<string, Call>();

  constructor(
    private readonly stateDir: string,
    private readonly listener: (call: Call) => http.RequestListener,
  ) {}

  async begin(argv: string[]): Promise<Call> {
    const command = commandKey(argv);
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const call: Call = {
      id: String(this.next++),
      argv,
      command,
      mutating: command !== null && MUTATING.has(command),
      started: Date.now(),
      fault: command ? takeFault(this.stateDir, command) : undefined,
      changed: false,
      requests: 0,
      server,
      port: (server.address() as AddressInfo).port,
    };
    server.on("request", this.listener(call));
    this.open.set(call.id, call);
    return call;
  }

  end(id: string, exitCode: number): Call | undefined {
    const call = this.open.get(id);
    if (!call) return undefined;
    this.open.delete(id);
    closeServer(call.server);
    appendCall(this.stateDir, {
      ts: new Date(call.started).toISOString(),
      argv: call.argv,
      command: call.command,
      mutating: call.mutating,
      ...(call.mutating ? { changed: call.changed } : {}),
      exitCode,
      durationMs: Date.now() - call.started,
      ...(call.fault ? { fault: call.fault.mode } : {}),
      requests: call.requests,
    } as Parameters<typeof appendCall>[1]);
    return call;
  }

  closeAll(): void {
    for (const call of this.open.values()) closeServer(call.server);
    this.open.clear();
  }
}

function closeServer(server: http.Server): void {
  server.close();
  server.closeAllConnections();
}
