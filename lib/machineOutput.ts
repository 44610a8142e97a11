/**
 * What the steps read from flyctl's machine commands: `fly machine list --json` (the Machines API machine
 * object, in part, as fly-go's types encode it) and the ID that `fly machine run` prints.
 */

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
  /** fly_process_group for web/worker machines; chatwoot_role for the migration machine; the image it runs. */
  config?: { metadata?: Record<string, string>; image?: string };
}

/** The process group a machine runs (fly deploy sets fly_process_group); none for one-off machines. */
export const processGroupOf = (machine: ListedMachine): string | undefined => machine.config?.metadata?.fly_process_group;

/** How many of `machines` each of `groups` runs (0 for a group with none); machines of other groups are not counted. */
export function groupCounts(machines: readonly ListedMachine[], groups: readonly string[]): Record<string, number> {
  const counts = Object.fromEntries(groups.map((group) => [group, 0]));
  for (const group of machines.map(processGroupOf)) if (group !== undefined && Object.hasOwn(counts, group)) counts[group]++;
  return counts;
}

/** The distinct images the machines of process groups run, sorted (one-off machines left out). */
export function groupImages(machines: readonly ListedMachine[]): string[] {
  const images = machines.filter((m) => processGroupOf(m) !== undefined).map((m) => m.config?.image ?? "");
  return [...new Set(images)].sort();
}

/**
 * The newest exit event's code, read as fly-go's MachineRequest.GetExitCode does (machine_types.go):
 * the monitor event's exit event first, else the exit event. flyctl re-encodes the machines through
 * fly-go's types, whose `exit_code` is `omitempty`: a machine that exited 0 has an exit event
 * without `exit_code`, so an absent code is 0.
 */
export function exitCodeOf(machine: ListedMachine): { code: number; oomKilled: boolean } | undefined {
  const exitEventOf = (e: MachineEvent) => e.request?.MonitorEvent?.exit_event ?? e.request?.exit_event;
  const exits = (machine.events ?? []).filter((e) => e.type === "exit" && exitEventOf(e) !== undefined);
  const last = exits.sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))[0];
  const event = last && exitEventOf(last);
  return event && { code: event.exit_code ?? 0, oomKilled: Boolean(event.oom_killed) };
}

/**
 * `fly machine run` waits for the machine to be started (internal/machine/wait.go) and exits 1 when
 * the machine, with restart policy "no", is already stopped: a command that finishes before that
 * wait looks like a failed launch. A machine that is stopped with an exit event did run; its exit
 * event, not flyctl's exit code, says how the command went.
 */
export function exitedBeforeRunSawItStart(machine: ListedMachine): boolean {
  return machine.state === "stopped" && exitCodeOf(machine) !== undefined;
}

/** The ID `fly machine run` prints once the machine is launched (internal/command/machine/run.go). */
export function launchedMachineId(stdout: string): string | undefined {
  return /^\s*Machine ID: ([a-z0-9]+)\s*$/m.exec(stdout)?.[1];
}

/** The machines a group gives up when it goes down to `count`: those not running first, then the newest (last listed). */
export function surplusMachines(machines: readonly ListedMachine[], count: number): ListedMachine[] {
  const order = (m: ListedMachine) => (m.state === "started" ? 1 : 0);
  return [...machines]
    .reverse()
    .sort((a, b) => order(a) - order(b))
    .slice(0, Math.max(0, machines.length - count));
}
