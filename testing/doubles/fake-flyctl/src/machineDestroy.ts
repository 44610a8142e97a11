/** `machine destroy ID --app A --force`: kills the machine's process and removes the machine. */
import { requireApp } from "./apps";
import { type CommandSpec, F, notEmulated } from "./cli";
import { FlyError, machineNotFound } from "./errors";
import { destroyMachine } from "./runtime";
import { getMachine } from "./store";

export const machineDestroy: CommandSpec = {
  key: "machine destroy",
  flags: [F.app, F.config, { name: "force", short: "f", type: "bool" }, notEmulated("image", undefined, "string")],
  minArgs: 1,
  mutating: true,
  run: async ({ stateDir, parsed, out }) => {
    const app = requireApp(stateDir, parsed.strings.app);
    for (const id of parsed.args) {
      const m = getMachine(stateDir, app.name, id);
      if (!m) throw machineNotFound(id);
      if (!["stopped", "created"].includes(m.state) && !parsed.bools.force) {
        throw new FlyError(`machine ${id} currently ${m.state}, either stop first or use --force flag`);
      }
      out(`machine ${id} was found and is currently in ${m.state} state, attempting to destroy...`);
      await destroyMachine(stateDir, app.name, id);
      out(`${id} has been destroyed`);
    }
  },
};
