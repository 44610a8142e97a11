import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { PoolBudget } from "../lib/budget";
import { DEFAULT_FLYCTL_TIMEOUT_SECONDS } from "../lib/config/schema";
import type { DeploymentPlan } from "../lib/plan";
import { DEPLOYMENT_TYPE, encodePlanInput } from "../lib/planInput";
import { withAliases } from "./aliases";
import type { MigrationRecord } from "../lib/stepContract";
import { ChatwootDatabase } from "./chatwootDatabase";
import { FlyApp } from "./flyApp";
import { FlyRollout } from "./flyRollout";
import { FlySecrets } from "./flySecrets";
import type { FlyConnection } from "./flyStep";
import { MachineCounts } from "./machineCounts";
import { MigrationMachine } from "./migrationMachine";

/** Credentials of the deployment; every one is stored as a Pulumi secret. */
export interface ChatwootCredentials {
  /** Password of the database role on every endpoint. */
  databasePassword: pulumi.Input<string>;
  /** REDIS_URL. */
  redisUrl: pulumi.Input<string>;
  /** SECRET_KEY_BASE. @default generated: 128 alphanumeric characters (@pulumi/random) */
  secretKeyBase?: pulumi.Input<string>;
  /** Fly API token. @default FLY_API_TOKEN of the environment */
  flyApiToken?: pulumi.Input<string>;
  /** Admin password for database.admin. @default none: required only when the plan enables admin */
  adminPassword?: pulumi.Input<string>;
  /** Password of the migration's own role (database.migrationUser). @default databasePassword */
  migrationDatabasePassword?: pulumi.Input<string>;
  /** Further secret env of every process (chatwoot:secretEnv), staged as Fly secrets. @default {} */
  secretEnv?: pulumi.Input<Record<string, string>>;
  /** STORAGE_ACCESS_KEY_ID of the attachments bucket. @default none: required with storage s3_compatible */
  storageAccessKeyId?: pulumi.Input<string>;
  /** STORAGE_SECRET_ACCESS_KEY of the attachments bucket. @default none: required with storage s3_compatible */
  storageSecretAccessKey?: pulumi.Input<string>;
}

/** The bucket keys as Chatwoot's config/storage.yml (s3_compatible) reads them; none when not given. */
function storageSecrets(credentials: ChatwootCredentials): pulumi.Output<Record<string, string>> {
  return pulumi
    .all([credentials.storageAccessKeyId, credentials.storageSecretAccessKey])
    .apply(([id, key]): Record<string, string> =>
      id === undefined || key === undefined ? {} : { STORAGE_ACCESS_KEY_ID: id, STORAGE_SECRET_ACCESS_KEY: key },
    );
}

/** Arguments of {@link ChatwootDeployment}. */
export interface ChatwootDeploymentArgs {
  /** The deployment plan (lib/plan.ts): plain values only, so the policy pack reads it at preview. */
  plan: DeploymentPlan;
  /** flyctl executable. @default "flyctl" */
  flyctl: string;
  /** Seconds one flyctl call may run before it is stopped and its step fails. @default 1800 */
  flyctlTimeoutSeconds?: number;
  /** FRONTEND_URL. */
  frontendUrl: string;
  /** BACKEND_URL. @default not set: Chatwoot falls back to FRONTEND_URL */
  backendUrl?: string;
  /** Credentials. */
  credentials: ChatwootCredentials;
}

/**
 * Chatwoot on Fly.io, in the order a deploy must happen: app -> secrets (staged) -> lowered machine
 * counts -> migration on the new image -> rollout of web and worker -> raised machine counts. A
 * failed migration stops the chain before any machine takes the new image.
 */
export class ChatwootDeployment extends pulumi.ComponentResource {
  public readonly appName: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly image: pulumi.Output<string>;
  public readonly budget: pulumi.Output<PoolBudget[]>;
  public readonly lastMigration: pulumi.Output<MigrationRecord>;

  constructor(name: string, args: ChatwootDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    // The plan is the component's input: the policy pack reads it during preview (lib/planInput.ts).
    // The token was chatwoot:index:Deployment before it took the class name: the alias keeps such stacks in place.
    super(DEPLOYMENT_TYPE, name, { plan: encodePlanInput(args.plan) }, withAliases(opts, "chatwoot:index:Deployment"));
    const { plan } = args;
    const baseFly = {
      flyctl: args.flyctl,
      timeoutSeconds: args.flyctlTimeoutSeconds ?? DEFAULT_FLYCTL_TIMEOUT_SECONDS,
      apiToken: args.credentials.flyApiToken,
    };

    // Checked before any child exists: a bad argument must stop the program before anything changes.
    const admin = plan.admin.enabled ? this.adminArgs(plan, args.credentials.adminPassword) : undefined;

    const app = new FlyApp(
      `${name}-app`,
      { fly: { ...baseFly, app: plan.app.name }, org: plan.app.org, destroyOnDelete: plan.app.destroyOnDelete },
      { parent: this },
    );
    const fly: FlyConnection = { ...baseFly, app: app.name };

    const database = new ChatwootDatabase(
      `${name}-db`,
      {
        endpoints: plan.endpoints,
        appUrlParams: plan.appUrlParams,
        password: args.credentials.databasePassword,
        migrationPassword: args.credentials.migrationDatabasePassword,
        preflight: { extensions: plan.migration.extensions, provider: plan.database.provider },
        admin,
      },
      { parent: this },
    );

    const secretKeyBase =
      args.credentials.secretKeyBase ??
      // Protected: a new one would sign every user out (Rails sessions and cookies are signed with it),
      // so nothing replaces or deletes it unnoticed; rotating it is explicit (README, "Rotating SECRET_KEY_BASE").
      new random.RandomPassword(`${name}-secret-key-base`, { length: 128, special: false }, { parent: this, protect: true }).result;

    const secrets = new FlySecrets(
      `${name}-secrets`,
      {
        fly,
        values: pulumi
          .all([
            database.secretEnv,
            secretKeyBase,
            args.credentials.redisUrl,
            args.credentials.secretEnv ?? {},
            storageSecrets(args.credentials),
          ])
          .apply(([dbEnv, keyBase, redisUrl, extraSecrets, storageKeys]) => ({
            // Config validation keeps these names apart from the stack's own (lib/secretEnv.ts).
            ...extraSecrets,
            ...dbEnv,
            SECRET_KEY_BASE: keyBase,
            REDIS_URL: redisUrl,
            ...storageKeys,
            FRONTEND_URL: args.frontendUrl,
            ...(args.backendUrl ? { BACKEND_URL: args.backendUrl } : {}),
          })),
      },
      { parent: this },
    );

    const counts = Object.fromEntries(Object.entries(plan.groups).map(([group, g]) => [group, g.count]));
    // Lowered counts take effect before the migration: the budget assumes the new counts in every phase.
    const scaleDown = new MachineCounts(`${name}-scale-down`, { fly, counts, downOnly: true }, { parent: this, dependsOn: [secrets] });

    const migration = new MigrationMachine(
      `${name}-migration`,
      {
        fly,
        image: plan.image,
        command: plan.migration.command,
        memoryMb: plan.migration.memoryMb,
        timeoutSeconds: plan.migration.timeoutSeconds,
        statementTimeout: plan.migration.statementTimeout,
        region: plan.app.primaryRegion,
        endpoint: plan.endpoints.migration,
        budget: plan.budgetInput,
      },
      { parent: this, dependsOn: [secrets, scaleDown] },
    );

    const rollout = new FlyRollout(
      `${name}-rollout`,
      {
        fly,
        image: plan.image,
        flyToml: plan.flyToml,
        strategy: plan.strategy,
        redeployOn: [secrets.revision],
        groupAtZero: Object.values(counts).some((count) => count === 0),
      },
      { parent: this, dependsOn: [migration] },
    );

    new MachineCounts(`${name}-counts`, { fly, counts }, { parent: this, dependsOn: [rollout] });

    this.appName = app.name;
    this.url = pulumi.interpolate`https://${app.name}.fly.dev`;
    this.image = rollout.image;
    this.budget = pulumi.output(plan.budget);
    this.lastMigration = migration.last;
    this.registerOutputs({
      appName: this.appName,
      url: this.url,
      image: this.image,
      budget: this.budget,
      lastMigration: this.lastMigration,
    });
  }

  private adminArgs(plan: DeploymentPlan, password: pulumi.Input<string> | undefined) {
    if (password === undefined) throw new pulumi.ResourceError("database.admin.enabled needs the chatwoot:adminPassword secret", this);
    return { user: plan.admin.user, password, appRole: plan.admin.appRole, connectionLimit: plan.roleConnectionLimit };
  }
}
