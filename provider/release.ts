/**
 * Release (lib/flyResources.ts): read is the image the process groups run (steps/rollout.ts
 * `read-release`); create is `deploy`; update deploys only when something the machines run changed
 * (a deploy restarts each machine), else it only records the new way to reach Fly; delete leaves
 * the machines running, as the Command it replaces did.
 */
import { diffRelease, observedImage, releaseChanged, type ReleaseContent } from "../lib/flyDiff";
import type { ReleaseProps } from "../lib/flyResources";
import { accessEnv, ENV, type ReleaseObservation } from "../lib/stepContract";
import { commandState } from "./commandState";
import { ownProps, plain, toState, type Props } from "./props";
import { readable, type Progress, type ResourceHandler } from "./resource";
import { readOnFly, runStepProcess } from "./stepProcess";

/** The state, or undefined for a state the Command this resource replaces wrote (no `image`). */
const stateOf = (raw: Props) => ownProps<ReleaseProps>(raw, "image", "string");

/** What the machines run by the last deploy: from the state, or from the environment of the Command it replaces. */
function deployed(raw: Props): ReleaseContent | undefined {
  const state = stateOf(raw);
  if (state) return state;
  const env = commandState(raw)?.environment;
  return (
    env && {
      image: env[ENV.image],
      flyToml: env[ENV.flyToml],
      strategy: env[ENV.strategy],
      redeployOn: env[ENV.rolloutInputs],
      updateOnly: env[ENV.deployUpdateOnly] === "1",
    }
  );
}

async function roll(olds: Props | undefined, raw: Props, progress: Progress): Promise<Props> {
  const news = plain(raw) as unknown as ReleaseProps;
  if (releaseChanged(olds === undefined ? undefined : deployed(olds), news))
    await runStepProcess(
      "deploy",
      {
        ...accessEnv(news),
        [ENV.image]: news.image,
        [ENV.flyToml]: news.flyToml,
        [ENV.strategy]: news.strategy,
        ...(news.updateOnly ? { [ENV.deployUpdateOnly]: "1" } : {}),
      },
      progress,
    );
  return toState(news);
}

export const release: ResourceHandler = {
  diff: (olds, news) => diffRelease(stateOf(olds), plain(news) as unknown as ReleaseProps),
  create: (news, progress) => roll(undefined, news, progress),
  update: (olds, news, progress) => roll(olds, news, progress),
  async read(raw, progress) {
    const state = readable(stateOf(raw), "Release");
    const observed = await readOnFly<ReleaseObservation>("read-release", accessEnv(state), progress);
    if (observed === undefined) return undefined;
    const props = toState({ ...state, image: observedImage(observed.images, state.image) });
    return { props, inputs: props };
  },
  delete: async () => undefined,
};
