/** `fly machine list --json`, as the steps read it (the Machines API machine object, in part). */
import type { StepContext } from "./context";

interface ExitEvent {
  exit_code?: number;
  oom_killed?: boolean;
}

export interface MachineEvent {
  type?: string;
  timestamp?: number;
  /** fly-go's MachineRequest: every field `omitempty`, so exit code 0 and false flags are absent. */
  request?: { exit_event?: ExitEvent; MonitorEvent?: { exit_event?: ExitEvent } };
}

export interface ListedMachine {
  id: string;
  name?: string;
  state?: string;
  events?: MachineEvent[];
  /** fly_process_group for web/worker machines; chatwoot_role for the migration machine. */
  config?: { metadata?: Record<string, string> };
}

export function listMachines(ctx: StepContext): Promise<ListedMachine[]> {
  return ctx.fly.json<ListedMachine[]>(["machine", "list", "--app", ctx.app, "--json"]);
}
