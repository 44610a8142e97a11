/**
 * The state a stack made by an earlier version holds under a resource's name: a command:local:Command
 * of a step (lib/stepContract.ts), whose inputs were its environment and whose result was its stdout.
 * The resources that replace those Commands (aliased to their URNs) read what they need from it once,
 * on the update that takes the state over.
 */
import { plain, type Props } from "./props";

export interface CommandState {
  /** The step's environment, secrets unwrapped. */
  environment: Record<string, string>;
  /** The step's JSON result, or undefined when its stdout held none. */
  result: Record<string, unknown> | undefined;
}

/** The Command's state, or undefined when `raw` is not one (no `create` command line). */
export function commandState(raw: Props): CommandState | undefined {
  const props = plain(raw);
  if (typeof props.create !== "string") return undefined;
  let result: Record<string, unknown> | undefined;
  try {
    result = JSON.parse(String(props.stdout).trim().split("\n").pop() ?? "") as Record<string, unknown>;
  } catch {
    result = undefined;
  }
  return { environment: (props.environment ?? {}) as Record<string, string>, result };
}
