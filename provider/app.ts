/**
 * App (lib/flyResources.ts): read is whether the app is still in its org (steps/app.ts `read-app`);
 * create and update are `ensure-app` (create, or adopt from the org); delete is `destroy-app`, which
 * leaves the app in place unless destroyOnDelete.
 */
import { diffApp } from "../lib/flyDiff";
import type { AppProps } from "../lib/flyResources";
import { accessEnv, ENV, type AppPresence, type AppRecord } from "../lib/stepContract";
import { commandState } from "./commandState";
import { ownProps, plain, toState, type Props } from "./props";
import { readable, type Progress, type ResourceHandler } from "./resource";
import { readOnFly, runStepProcess } from "./stepProcess";

/** The state, or undefined for a state the Command this resource replaces wrote (no `org`). */
const stateOf = (raw: Props) => ownProps<AppProps>(raw, "org", "string");

const appEnv = (props: AppProps) => ({
  ...accessEnv(props),
  [ENV.org]: props.org,
  [ENV.destroyOnDelete]: String(props.destroyOnDelete),
});

/** Whether the app existed before the stack, as first recorded: ensure-app adopts an app the stack made, too. */
function adoptedBefore(olds: Props | undefined, news: AppProps): boolean | undefined {
  if (olds === undefined) return undefined;
  const previous = stateOf(olds);
  if (previous) return previous.app === news.app ? previous.adopted : undefined;
  const record = commandState(olds)?.result as Partial<AppRecord> | undefined;
  return record?.name === news.app ? record.adopted : undefined;
}

async function ensure(olds: Props | undefined, raw: Props, progress: Progress): Promise<Props> {
  const news = plain(raw) as unknown as AppProps;
  const record = await runStepProcess<AppRecord>("ensure-app", appEnv(news), progress);
  return toState({ ...news, adopted: adoptedBefore(olds, news) ?? record.adopted });
}

export const app: ResourceHandler = {
  diff: (olds, news) => diffApp(stateOf(olds), plain(news) as unknown as AppProps),
  create: (news, progress) => ensure(undefined, news, progress),
  update: (olds, news, progress) => ensure(olds, news, progress),
  async read(raw, progress) {
    const state = readable(stateOf(raw), "App");
    if ((await readOnFly<AppPresence>("read-app", appEnv(state), progress)) === undefined) return undefined;
    return { props: toState(state), inputs: toState({ ...state, adopted: undefined }) };
  },
  async delete(raw, progress) {
    const state = stateOf(raw);
    if (state) await runStepProcess("destroy-app", appEnv(state), progress);
  },
};
