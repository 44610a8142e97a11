/** Processes on this machine, read from /proc (Linux), for checks that nothing was left running. */
import { readdirSync, readFileSync } from "node:fs";

/** Command lines of the steps (steps/main.ts) and of flyctl, the wrapper or the real one. */
export const STEP_OR_FLYCTL = /steps\/main\.ts|flyctl/;

/**
 * Live processes whose command line matches `command` and whose environment has `name=value`
 * ("pid cmdline" each): how a test finds what a step or flyctl of its own left behind.
 */
export function processesWith(command: RegExp, name: string, value: string): string[] {
  const marker = `${name}=${value}\0`;
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (command.test(cmdline) && readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker)) found.push(`${pid} ${cmdline}`);
    } catch {
      // Gone between the listing and the read, or not ours to read.
    }
  }
  return found;
}
