/**
 * The provider's one object (@pulumi/pulumi/provider): each call goes to the handler of the resource's
 * type token. The engine calls only check and diff during a preview (the Node provider server does not
 * announce previews), so nothing on Fly changes before `pulumi up`.
 */
import type { Provider } from "@pulumi/pulumi/provider";
import { randomUUID } from "node:crypto";
import { APP_SECRETS_TYPE, APP_TYPE, FLY_PROVIDER_VERSION, PROCESS_GROUP_COUNTS_TYPE, RELEASE_TYPE } from "../lib/flyResources";
import { app } from "./app";
import { appSecrets } from "./appSecrets";
import { processGroupCounts } from "./processGroupCounts";
import { release } from "./release";
import { cancelStepProcesses } from "./stepProcess";
import type { Progress, ResourceHandler } from "./resource";

const HANDLERS: Record<string, ResourceHandler> = {
  [APP_TYPE]: app,
  [APP_SECRETS_TYPE]: appSecrets,
  [RELEASE_TYPE]: release,
  [PROCESS_GROUP_COUNTS_TYPE]: processGroupCounts,
};

/** The type token of a URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). */
export function typeOfUrn(urn: string): string {
  return (urn.split("::")[2] ?? "").split("$").pop() ?? "";
}

function handlerOf(urn: string): ResourceHandler {
  const handler = HANDLERS[typeOfUrn(urn)];
  if (!handler) throw new Error(`chatwoot-fly serves ${Object.keys(HANDLERS).join(", ")}; not ${typeOfUrn(urn)}`);
  return handler;
}

/** A provider whose steps' progress lines go to `progress`, with the resource's URN. */
export function flyProvider(progress: (urn: string, line: string) => void): Provider {
  const to =
    (urn: string): Progress =>
    (line) =>
      progress(urn, line);
  return {
    version: FLY_PROVIDER_VERSION,
    check: async (urn, _olds, news) => handlerOf(urn).check?.(news) ?? { inputs: news },
    diff: async (_id, urn, olds, news) => handlerOf(urn).diff(olds, news),
    create: async (urn, inputs) => ({ id: randomUUID(), outs: await handlerOf(urn).create(inputs, to(urn)) }),
    update: async (_id, urn, olds, news) => ({ outs: await handlerOf(urn).update(olds, news, to(urn)) }),
    // An empty ID tells the engine the resource is gone: a refresh drops it, and the next up creates it.
    read: async (id, urn, props) => {
      const found = await handlerOf(urn).read(props ?? {}, to(urn));
      return found ? { id, ...found } : { id: "", props: {} };
    },
    delete: (_id, urn, props) => handlerOf(urn).delete(props, to(urn)),
    cancel: cancelStepProcesses,
  };
}
