import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { withAliases } from "./aliases";
import type { Endpoint } from "../lib/endpoints";
import {
  CREATED_EXTENSIONS,
  extensionProblems,
  PREFLIGHT_SQL,
  preflightConnection,
  type ExtensionRow,
  type PreflightContext,
} from "../lib/preflight";
import { formatPostgresUrl } from "../lib/postgresUrl";

/** In-database management through @pulumi/postgresql. */
export interface DatabaseAdminArgs {
  /** Admin role on the direct endpoint. @default "postgres" (from chatwoot:database.admin.user) */
  user: string;
  /** Admin password (secret). */
  password: pulumi.Input<string>;
  /** Role Chatwoot connects as; created with `password`. @default "chatwoot_app" */
  appRole: string;
  /** The role's CONNECTION LIMIT: the budget's server-side peak plus the console reserve. */
  connectionLimit: number;
}

/** Arguments of {@link ChatwootDatabase}. */
export interface ChatwootDatabaseArgs {
  /** Endpoints from the deployment plan: the app's, the migration's and the direct one if declared. */
  endpoints: { app: Endpoint; migration: Endpoint; direct?: Endpoint };
  /** Extra query parameters of the app's URL. @default {} */
  appUrlParams?: Record<string, string>;
  /** Password of the endpoints' role (secret). */
  password: pulumi.Input<string>;
  /** Password of the migration endpoint's own role (database.migrationUser), secret. @default password */
  migrationPassword?: pulumi.Input<string>;
  /** Manage the app role and extensions. @default undefined: nothing is created inside the database */
  admin?: DatabaseAdminArgs;
  /** Extensions the migration's role must have or be able to create (chatwoot:migration.extensions). @default none: no check */
  preflight?: { extensions: string[]; provider: PreflightContext["provider"] };
}

/**
 * The preflight of the migration, run by the program during `pulumi up` (not preview) through a direct
 * connection to the migration's endpoint as the migration's role. Why here and not on the migration
 * machine: the Fly secrets, the migration and the rollout all wait for this component's secretEnv, so
 * a missing extension stops `pulumi up` before any secret is staged or any machine starts, and the
 * answer comes from PostgreSQL itself rather than from a machine's logs. The cost: the runner must reach
 * the endpoint. Supabase's direct host is IPv6-only unless the IPv4 add-on is bought, so when the
 * endpoint cannot be reached the check warns and steps aside, and the migration machine (on Fly, with
 * IPv6) finds out as before. Exported for its test: under the mocks a stop inside the component is an
 * unhandled rejection, which Jest cannot hold.
 */
export async function checkExtensions(
  resource: pulumi.Resource,
  endpoint: Endpoint,
  password: string,
  preflight: NonNullable<ChatwootDatabaseArgs["preflight"]>,
) {
  // Loaded here, not at the top: only a stack that checks extensions needs pg (40 ms of every preview).
  const { Client } = await import("pg");
  const client = new Client(preflightConnection(endpoint, password));
  client.on("error", () => undefined);
  let rows: ExtensionRow[];
  try {
    await client.connect();
    rows = (await client.query<ExtensionRow>(PREFLIGHT_SQL, [preflight.extensions])).rows;
  } catch (error) {
    await pulumi.log.warn(
      `migration preflight skipped: could not check extensions on ${endpoint.kind} ${endpoint.host}:${endpoint.port} from here (${(error as Error).message}); the migration machine will find out`,
      resource,
    );
    return;
  } finally {
    await client.end().catch(() => undefined);
  }
  const problems = extensionProblems(rows, { endpoint, provider: preflight.provider });
  if (problems.length) {
    // A RunError, not a ResourceError: the error must not carry the resource graph through the rejected Output.
    const message = `the migration would fail on its extensions, so no secret was staged and no machine started:\n  - ${problems.join("\n  - ")}`;
    await pulumi.log.error(message, resource);
    throw new pulumi.RunError(message);
  }
}

function urlOf(endpoint: Endpoint, password: string, extra: Record<string, string>): string {
  return formatPostgresUrl({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password,
    database: endpoint.database,
    params: { ...extra, sslmode: endpoint.sslmode },
  });
}

/**
 * Chatwoot's database as seen by the app: the connection settings of the app endpoint (as
 * DATABASE_URL and POSTGRES_*) and of the migration endpoint, all secret; optionally the app role with
 * a connection limit and the extensions, through @pulumi/postgresql.
 */
export class ChatwootDatabase extends pulumi.ComponentResource {
  /** Fly secrets for web and worker (DATABASE_URL, MIGRATION_DATABASE_URL and POSTGRES_*), secret. */
  public readonly secretEnv: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ChatwootDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:database:ChatwootDatabase", name, {}, withAliases(opts, "chatwoot:database:Database"));
    const { app, migration } = args.endpoints;
    const managed = args.admin ? this.manage(name, args.admin, args.endpoints.direct, args.password) : [];
    const preflight = args.preflight;
    this.secretEnv = pulumi.secret(
      pulumi
        .all([args.password, args.migrationPassword ?? args.password, ...managed.map((r) => r.urn)])
        .apply(async ([password, migrationPassword]) => {
          // After the managed role and extensions (if any), before anything that uses these secrets.
          if (preflight && preflight.extensions.length > 0 && !pulumi.runtime.isDryRun())
            await checkExtensions(this, migration, migrationPassword, preflight);
          return [password, migrationPassword];
        })
        .apply(([password, migrationPassword]): Record<string, string> => ({
          DATABASE_URL: urlOf(app, password, args.appUrlParams ?? {}),
          MIGRATION_DATABASE_URL: urlOf(migration, migrationPassword, {}),
          POSTGRES_HOST: app.host,
          POSTGRES_PORT: String(app.port),
          POSTGRES_DATABASE: app.database,
          POSTGRES_USERNAME: app.user,
          POSTGRES_PASSWORD: password,
        })),
    );
    this.registerOutputs({ secretEnv: this.secretEnv });
  }

  private manage(name: string, admin: DatabaseAdminArgs, direct: Endpoint | undefined, password: pulumi.Input<string>): pulumi.Resource[] {
    if (!direct) throw new pulumi.ResourceError("database.admin needs the direct endpoint (declare database.endpoints.direct)", this);
    const provider = new postgresql.Provider(
      `${name}-admin`,
      {
        host: direct.host,
        port: direct.port,
        username: admin.user,
        password: admin.password,
        database: direct.database,
        sslmode: direct.sslmode,
        superuser: false,
      },
      { parent: this },
    );
    const role = new postgresql.Role(
      `${name}-app-role`,
      { name: admin.appRole, login: true, password: pulumi.secret(password), connectionLimit: admin.connectionLimit },
      { parent: this, provider },
    );
    const grant = new postgresql.Grant(
      `${name}-app-grant`,
      { role: role.name, database: direct.database, objectType: "database", privileges: ["CONNECT", "CREATE", "TEMPORARY"] },
      { parent: this, provider },
    );
    // Since PostgreSQL 15 (Supabase's too) only the database owner may create in the public schema by
    // default; Chatwoot's migration creates its tables there as this role.
    const schemaGrant = new postgresql.Grant(
      `${name}-app-schema-grant`,
      { role: role.name, database: direct.database, schema: "public", objectType: "schema", privileges: ["CREATE", "USAGE"] },
      { parent: this, provider },
    );
    const extensions = CREATED_EXTENSIONS.map(
      (extension) =>
        new postgresql.Extension(`${name}-ext-${extension}`, { name: extension, database: direct.database }, { parent: this, provider }),
    );
    return [role, grant, schemaGrant, ...extensions];
  }
}
