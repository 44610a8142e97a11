/**
 * Injected faults (faults.json in the state dir), for failure tests:
 *   [{"command": "secrets import", "mode": "fail", "exitCode": 1, "stderr": "Error: ...", "times": 1}]
 * fail: exit with exitCode/stderr before doing anything. hang: sleep until killed.
 * lose-machine (machine run): the machine vanishes afterMs (default 300) after it started, or when its
 *   command ends if that is sooner, without an exit event.
 * exit-code (machine run): the machine's command is replaced by one that exits with exitCode; with
 *   oomKilled, its exit event says the kernel killed it for memory (oom_killed: true).
 * `skip` lets that many calls of the command through first (a fault on the second `machine list`).
 * `times` counts down under the state lock; an entry is removed when it reaches 0 (absent = forever).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FlyError } from "./errors";
import { type MachineFault, update } from "./store";

export type FaultMode = "fail" | "hang" | "lose-machine" | "exit-code";

export interface Fault {
  command: string;
  mode: FaultMode;
  exitCode?: number;
  stderr?: string;
  times?: number;
  skip?: number;
  afterMs?: number;
  oomKilled?: boolean;
}

/** What a `machine run` fault does to the machine it creates, with the defaults above. */
export function machineFaultOf(fault: Fault | undefined): MachineFault | undefined {
  if (fault?.mode === "lose-machine") return { mode: "lose-machine", afterMs: fault.afterMs ?? 300 };
  if (fault?.mode === "exit-code") return { mode: "exit-code", exitCode: fault.exitCode ?? 1, oomKilled: fault.oomKilled ?? false };
  return undefined;
}

function faultsPath(dir: string): string {
  return path.join(dir, "faults.json");
}

/** Takes (and counts down) the first fault for this command, if any. */
export function takeFault(dir: string, command: string): Fault | undefined {
  if (!fs.existsSync(faultsPath(dir))) return undefined;
  // The state lock also guards faults.json.
  return update(dir, () => {
    let faults: Fault[];
    try {
      faults = JSON.parse(fs.readFileSync(faultsPath(dir), "utf8")) as Fault[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new FlyError(`fake-flyctl: cannot parse ${faultsPath(dir)}: ${(error as Error).message}`);
    }
    if (!Array.isArray(faults)) throw new FlyError(`fake-flyctl: ${faultsPath(dir)} must hold a JSON array`);
    const index = faults.findIndex((f) => f.command === command);
    if (index < 0) return undefined;
    const fault = { ...faults[index] };
    if (fault.skip) {
      faults[index] = { ...fault, skip: fault.skip - 1 };
      fs.writeFileSync(faultsPath(dir), JSON.stringify(faults, null, 2));
      return undefined;
    }
    if (fault.times !== undefined) {
      const left = fault.times - 1;
      if (left <= 0) faults.splice(index, 1);
      else faults[index] = { ...faults[index], times: left };
      fs.writeFileSync(faultsPath(dir), JSON.stringify(faults, null, 2));
    }
    return fault;
  });
}
