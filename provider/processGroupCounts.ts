/**
 * ProcessGroupCounts (lib/flyResources.ts): read is the machines each group runs (steps/counts.ts
 * `read-counts`); create and update are today's `scale` / `scale-down` steps; delete leaves the
 * machines as they are, as the Command it replaces did.
 */
import type { Counts } from "../lib/counts";
import { diffProcessGroupCounts } from "../lib/flyDiff";
import type { ProcessGroupCountsProps } from "../lib/flyResources";
import { accessEnv, ENV } from "../lib/stepContract";
import { ownProps, toState, type Props } from "./props";
import type { Progress, ResourceHandler } from "./resource";
import { readOnFly, runStepProcess } from "./stepProcess";

/** The properties, or undefined for a state the Command this resource replaces wrote (no `counts`). */
const propsOf = (raw: Props) => ownProps<ProcessGroupCountsProps>(raw, "counts", "object");

function required(raw: Props): ProcessGroupCountsProps {
  const props = propsOf(raw);
  if (props === undefined) throw new Error("ProcessGroupCounts: the inputs have no counts (the component always sets them)");
  return props;
}

async function converge(news: ProcessGroupCountsProps, progress: Progress): Promise<Props> {
  const counts = await runStepProcess<Counts>(
    news.downOnly ? "scale-down" : "scale",
    { ...accessEnv(news), [ENV.counts]: JSON.stringify(news.counts) },
    progress,
  );
  return toState({ ...news, counts });
}

export const processGroupCounts: ResourceHandler = {
  diff: (olds, news) => diffProcessGroupCounts(propsOf(olds), required(news)),
  create: (news, progress) => converge(required(news), progress),
  update: (_olds, news, progress) => converge(required(news), progress),
  async read(state, progress) {
    const props = required(state);
    const counts = await readOnFly<Counts>("read-counts", { ...accessEnv(props), [ENV.counts]: JSON.stringify(props.counts) }, progress);
    if (counts === undefined) return undefined;
    const observed = toState({ ...props, counts });
    return { props: observed, inputs: observed };
  },
  delete: async () => undefined,
};
