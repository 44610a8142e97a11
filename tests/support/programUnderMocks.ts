/**
 * The program (stack.ts, which index.ts runs) under pulumi.runtime.setMocks, as the unit tests run it:
 * every resource answers with its inputs, a Command with the stdout given for its name ("{}"
 * otherwise), a RandomPassword with a fixed result; the program runs inside a root Stack, as the
 * language host runs it.
 */
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { APP_SECRETS_TYPE, APP_TYPE } from "../../lib/flyResources";
import { secretsRevision } from "../../lib/secretsImport";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { chatwootStack } from "../../stack";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface Transformed {
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts: pulumi.CustomResourceOptions;
}

/** One run; `registered` and `transformed` keep filling while the program's outputs resolve. */
export interface ProgramRun {
  registered: Registered[];
  transformed: Transformed[];
  outputs: Record<string, pulumi.Output<unknown>>;
  /** What the program threw (the language host reports it as the run's error). */
  failure?: unknown;
}

/** Stack config as the engine hands it to the program: JSON text for structured values. */
export function engineConfig(plain: Record<string, unknown>, secrets: Record<string, string>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(plain)) config[`chatwoot:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  for (const [key, value] of Object.entries(secrets)) config[`chatwoot:${key}`] = value;
  return config;
}

/**
 * Pulumi's mocks as the unit tests set them: every resource but the root Stack is handed to `onResource`
 * and answers with its inputs, a Command with the stdout given for its name ("{}" otherwise), a
 * RandomPassword with a fixed result. `preview` as the engine would say (the preflight runs only at up).
 */
/** A value as the mocks receive it, without the secret wrapper Pulumi serializes a secret in. */
function unwrapSecret(value: unknown): unknown {
  const wrapped = value as { [specialSigKey]?: string; value?: unknown } | undefined;
  return wrapped?.[specialSigKey] === specialSecretSig ? wrapped.value : value;
}

export function setEchoMocks(
  onResource: (resource: Registered) => void,
  stdout: Record<string, string> = {},
  preview = true,
): Promise<void> {
  return pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type !== "pulumi:pulumi:Stack") onResource({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "command:local:Command") state.stdout = stdout[args.name] ?? "{}";
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = "G".repeat(128);
        // The provider's check computes the revision from the values (provider/appSecrets.ts).
        if (args.type === APP_SECRETS_TYPE) state.revision = secretsRevision(unwrapSecret(args.inputs.values) as Record<string, string>);
        // ensure-app's answer for an app it created (steps/app.ts).
        if (args.type === APP_TYPE) state.adopted = false;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "chatwoot-fly",
    "staging",
    preview,
  );
}

export async function runProgramUnderMocks(
  config: Record<string, string>,
  secretKeys: string[],
  stdout: Record<string, string> = {},
): Promise<ProgramRun> {
  const run: ProgramRun = { registered: [], transformed: [], outputs: {} };
  await setEchoMocks((resource) => run.registered.push(resource), stdout);
  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      run.transformed.push({ type: args.type, name: args.name, props: args.props, opts: args.opts as pulumi.CustomResourceOptions });
      return undefined;
    });
    try {
      run.outputs = { ...chatwootStack() };
    } catch (error) {
      run.failure = error;
    }
    return run.outputs;
  });
  return run;
}

/** Waits until the program's last step (the migration record) resolved, so that every resource registered. */
export function settled(run: ProgramRun): Promise<unknown> {
  return new Promise((resolve) => (run.outputs.lastMigration ?? pulumi.output(undefined)).apply(resolve));
}

/**
 * A resource as the mock monitor recorded it: the URN's type names the parent's type first
 * (`parent$type`), and a component's state is what it passed to registerOutputs.
 */
export interface Recorded {
  name: string;
  qualifiedType: string;
  state: Record<string, unknown>;
}

/** Every resource of the last run under mocks, as the monitor holds it. */
export function recordedResources(): Recorded[] {
  const monitor = pulumi.runtime.getMonitor();
  if (!(monitor instanceof MockMonitor)) throw new Error("no program ran under mocks");
  return [...monitor.getRegisteredResources().values()].map(({ urn, state }) => {
    const [, , qualifiedType, name] = urn.split("::");
    // registerOutputs stores the protobuf Struct it was sent; a custom resource keeps plain state.
    return { name, qualifiedType, state: typeof state?.toJavaScript === "function" ? state.toJavaScript() : state };
  });
}
