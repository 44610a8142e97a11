/** What the provider does for one resource type; provider/flyProvider.ts picks the handler by type token. */
import type { FlyDiff } from "../lib/flyDiff";
import type { Props } from "./props";

/**
 * The state a read starts from. The engine reads only states this provider wrote (a Command's state is
 * taken over by an update first), so one it cannot read is a bug, named with the resource's type.
 */
export function readable<T>(state: T | undefined, type: string): T {
  if (state === undefined) throw new Error(`${type}: the state holds none of the properties a read needs`);
  return state;
}

/** Receives each progress line of a step, for the engine to show beside the resource. */
export type Progress = (line: string) => void;

export interface ResourceHandler {
  /** The program's inputs as the resource keeps them; `failures` name what is wrong with them. @default the inputs as given */
  check?(news: Props): { inputs: Props; failures?: Array<{ property: string; reason: string }> };
  /** The config against the state (after a refresh: against what Fly runs). */
  diff(olds: Props, news: Props): FlyDiff;
  /** Makes Fly match `news`; returns the state to keep. */
  create(news: Props, progress: Progress): Promise<Props>;
  /** Makes Fly match `news`; returns the state to keep. */
  update(olds: Props, news: Props, progress: Progress): Promise<Props>;
  /** What Fly runs, as the state and as the inputs that would lead to it; undefined: gone from Fly (the app was deleted). */
  read(state: Props, progress: Progress): Promise<{ props: Props; inputs: Props } | undefined>;
  /** Takes the resource off Fly, or leaves it there when that is its contract. */
  delete(state: Props, progress: Progress): Promise<void>;
}
