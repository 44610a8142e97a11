/** `fly machine list --json`, read as lib/machineOutput.ts types it. */
import type { ListedMachine } from "../lib/machineOutput";
import type { StepContext } from "./context";

const listArgs = (ctx: StepContext) => ["machine", "list", "--app", ctx.app, "--json"];

export function listMachines(ctx: StepContext): Promise<ListedMachine[]> {
  return ctx.fly.json<ListedMachine[]>(listArgs(ctx));
}

/** `fly machine list --json`, or undefined when the app does not exist (deleted by hand). */
export function listMachinesOfApp(ctx: StepContext): Promise<ListedMachine[] | undefined> {
  return ctx.fly.jsonOfApp<ListedMachine[]>(listArgs(ctx));
}
