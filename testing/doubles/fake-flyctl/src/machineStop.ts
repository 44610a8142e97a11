/**
 * `machine stop ID... --app A` (internal/command/machine/stop.go): each machine gets its kill_signal,
 * then SIGKILL after its kill_timeout, as flyd stops it; prints flyctl's two lines per machine.
 * A machine already stopped stays so.
 */
import { requireApp } from "./apps";
import { type CommandSpec, F, notEmulated } from "./cli";
import { machineNotFound } from "./errors";
import { stopMachine } from "./runtime";
import { getMachine } from "./store";

export const machineStop: CommandSpec = {
  key: "machine stop",
  flags: [
    F.app,
    F.config,
    notEmulated("signal", "s", "string"),
    notEmulated("timeout", undefined, "string"),
    { name: "wait-timeout", short: "w", type: "duration" },
    notEmulated("select", undefined, "bool"),
  ],
  minArgs: 1,
  mutating: true,
  run: async ({ stateDir, parsed, out }) => {
    const app = requireApp(stateDir, parsed.strings.app);
    for (const id of parsed.args) {
      if (!getMachine(stateDir, app.name, id)) throw machineNotFound(id);
      out(`Sending kill signal to machine ${id}...`);
      await stopMachine(stateDir, app.name, id);
      out(`${id} has been successfully stopped`);
    }
  },
};
