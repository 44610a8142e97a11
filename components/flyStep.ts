/**
 * How the components run a one-off step (today: the migration): a `command.local.Command` whose
 * command lines are the fixed `steps/main.ts <step>` strings and whose inputs travel in environment
 * variables. Secret inputs stay encrypted in the state. The Fly resources that Fly keeps running are
 * served by the project's provider instead (components/resources/), which can read them back.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { accessEnv, stepCommand, type StepName } from "../lib/stepContract";

/** How to reach Fly: shared by every component. */
export interface FlyConnection {
  /** flyctl executable (a name on PATH or a path). @default "flyctl" (from chatwoot:flyctl) */
  flyctl: string;
  /** Seconds one flyctl call may run before it is stopped. @default 1800 (from chatwoot:flyctlTimeoutSeconds) */
  timeoutSeconds: number;
  /** Fly app name. */
  app: pulumi.Input<string>;
  /** Fly API token, passed as FLY_API_TOKEN. @default FLY_API_TOKEN of the environment `pulumi up` runs in */
  apiToken?: pulumi.Input<string>;
}

export interface FlyStepArgs {
  fly: FlyConnection;
  /** Step run on create, and again whenever a trigger changes (the Command is replaced). */
  create: StepName;
  /** Further plain or secret environment for the step. */
  environment: Record<string, pulumi.Input<string>>;
  /**
   * Values whose change runs the step again. A change of `environment` alone (e.g. a rotated Fly
   * token) does not: the update keeps the previous result.
   */
  triggers: pulumi.Input<unknown>[];
}

export function flyStep(name: string, args: FlyStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
  const apiToken = args.fly.apiToken === undefined ? undefined : pulumi.secret(args.fly.apiToken);
  const environment = { ...accessEnv<pulumi.Input<string>>({ ...args.fly, apiToken }), ...args.environment };
  return new command.local.Command(
    name,
    {
      create: stepCommand(args.create),
      update: stepCommand("keep-result"),
      environment,
      triggers: args.triggers,
      logging: "stderr",
    },
    opts,
  );
}

/** The JSON result a step printed as its last stdout line. */
export function stepResult<T>(cmd: command.local.Command): pulumi.Output<T> {
  return cmd.stdout.apply((out) => JSON.parse(out.trim().split("\n").pop() || "{}") as T);
}
