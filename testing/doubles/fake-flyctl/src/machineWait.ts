/**
 * `machine wait ID --app A --state stopped --wait-timeout 600s` (internal/command/machine/wait.go):
 * exit 0 once the machine is in the state; on timeout `machine <id> did not reach "<state>" within
 * <timeout>` (Go duration text); a machine that disappears while waited on is an error too.
 */
import { requireApp } from "./apps";
import { type CommandSpec, F, notEmulated } from "./cli";
import { FlyError, machineNotFound } from "./errors";
import { type Machine, getMachine } from "./store";
import { formatGoDuration, sleep } from "./time";

function reached(m: Machine | undefined, state: string): boolean {
  if (state === "destroyed") return !m;
  if (!m) return false;
  if (state === "settled") return m.state === "started" || m.state === "stopped";
  return m.state === state;
}

export const machineWait: CommandSpec = {
  key: "machine wait",
  flags: [
    F.app,
    F.config,
    { name: "state", type: "string" },
    { name: "wait-timeout", short: "w", type: "duration" },
    notEmulated("select", undefined, "bool"),
  ],
  minArgs: 0,
  maxArgs: 1,
  mutating: false,
  run: async ({ stateDir, parsed, out }) => {
    const app = requireApp(stateDir, parsed.strings.app);
    const id = parsed.args[0];
    if (!id) throw new FlyError("fake-flyctl: interactive machine selection is not emulated; pass the machine id");
    const desired = parsed.strings.state ?? "settled";
    if (desired === "") throw new FlyError("state cannot be empty");
    const timeoutMs = parsed.durations["wait-timeout"] ?? 5 * 60_000;
    const label = formatGoDuration(timeoutMs);
    if (!getMachine(stateDir, app.name, id)) throw machineNotFound(id);
    out(`Waiting up to ${label} for machine ${id} to reach "${desired}"...`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = getMachine(stateDir, app.name, id);
      if (reached(m, desired)) break;
      if (!m) {
        throw new FlyError(
          `machine ${id} did not reach "${desired}" within ${label}: failed to wait for VM ${id} in ${desired} state: machine not found`,
        );
      }
      if (timeoutMs > 0 && Date.now() >= deadline) throw new FlyError(`machine ${id} did not reach "${desired}" within ${label}`);
      await sleep(Math.min(100, Math.max(5, deadline - Date.now())));
    }
    const final = getMachine(stateDir, app.name, id);
    out(`Machine ${id} reached state "${desired === "settled" ? (final?.state ?? "destroyed") : desired}"`);
  },
};
