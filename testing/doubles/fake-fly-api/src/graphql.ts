/**
 * POST /graphql: the root fields flyctl's GraphQL queries and mutations ask for (fly-go
 * resource_*.go, genqlient.go, flyctl internal/gql). A resolver returns the whole object (superset of
 * what any query selects); Go's decoder ignores the rest. An unknown root field is a GraphQL error
 * that names it (and the request is logged `unhandled`).
 */
import { createHash } from "node:crypto";
import type { Handler, Request } from "./http";
import { parseOperation, type RootField } from "./graphqlParse";
import { type ApiApp, type Json, findApp, orgJson, apps as allApps } from "./state";
import { orgSlugs } from "./uiex";

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export type Resolver = (field: RootField, req: Request, variables: Json) => unknown;

/** ASSUMPTION (flyctl run.go matches it: `strings.Contains(err.Error(), "Could not find App")`): the text of a missing app. */
export function appNotFound(name: string): GraphQLError {
  return new GraphQLError(`Could not find App "${name}"`, "NOT_FOUND");
}

export function appJson(app: ApiApp): Json {
  const releases = app.apiReleases ?? [];
  const current = releases.filter((r) => r.status === "complete").at(-1) ?? releases.at(-1) ?? null;
  const org = orgJson(app.org);
  return {
    id: app.id,
    internalNumericId: 1,
    name: app.name,
    state: app.deployed ? "deployed" : "pending",
    status: app.deployed ? "deployed" : "pending",
    deployed: app.deployed,
    hostname: `${app.name}.fly.dev`,
    appUrl: `https://${app.name}.fly.dev`,
    version: releases.length,
    network: "default",
    platformVersion: app.deployed || Object.keys(app.machines).length ? "machines" : "",
    organization: org,
    currentRelease: current && releaseJson(current),
    // appconfig.FromRemoteApp (scale count, secrets deploy) reads the fly.toml of the current release.
    currentReleaseUnprocessed: current && { ...releaseJson(current), configDefinition: current.definition ?? null },
    config: { definition: {} },
    services: [],
    ipAddresses: { nodes: [] },
    sharedIpAddress: "",
    cnameTarget: `${app.name}.fly.dev`,
    imageDetails: { registry: "", repository: "", tag: "", digest: "", version: "" },
    machines: { nodes: [] },
    postgresAppRole: null,
    role: null,
    secrets: [],
  };
}

/**
 * An image as the registry knows it. ASSUMPTION: every image ref exists (no registry here; every image
 * runs the Chatwoot stand-in), with a digest derived from the ref.
 */
export function imageJson(ref: string): Json {
  const digest = `sha256:${createHash("sha256").update(ref).digest("hex")}`;
  return { id: digest, digest, ref, compressedSize: "104857600", compressedSizeFull: "104857600", manifest: { annotations: {} } };
}

export function releaseJson(r: NonNullable<ApiApp["apiReleases"]>[number]): Json {
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    inProgress: r.status === "running" || r.status === "pending",
    description: r.description,
    reason: r.description,
    stable: r.status === "complete",
    evaluationId: "",
    createdAt: r.createdAt,
    user: { email: r.userEmail ?? "local@example.com" },
    imageRef: r.image,
  };
}

function requireApp(req: Request, name: unknown): ApiApp {
  const app = findApp(req.stateDir, String(name ?? ""));
  if (!app) throw appNotFound(String(name ?? ""));
  return app;
}

const resolvers: Record<string, Resolver> = {
  /**
   * fly-go GetOrganizationBySlug. ASSUMPTION: an org the token does not see is a NOT_FOUND error with
   * this text (flyctl prints it after "failed to run query(...): ").
   */
  organization: (field, req) => {
    const slug = String(field.args.slug ?? field.args.id ?? "");
    if (!orgSlugs(req).includes(slug)) throw new GraphQLError(`Could not find Organization "${slug}"`, "NOT_FOUND");
    return orgJson(slug);
  },
  /** fly-go GetOrganizations (prompt.Org looks the --org slug up in this list). */
  organizations: (_field, req) => ({
    nodes: orgSlugs(req).map((slug) => ({ ...orgJson(slug), viewerRole: "admin", type: slug === "personal" ? "PERSONAL" : "SHARED" })),
  }),
  /** flyctl apps list (internal/command/apps/list.go getApps): one page, filtered by org id (= slug here). */
  apps: (field, req) => {
    const org = field.args.organizationId as string | undefined;
    const nodes = Object.values(allApps(req.stateDir))
      .filter((a) => !org || a.org === org)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(appJson);
    return { pageInfo: { hasNextPage: false, endCursor: "" }, nodes, totalCount: nodes.length };
  },
  app: (field, req, variables) => {
    const app = appJson(requireApp(req, field.args.name));
    // ResolveImageForApp selects app { image(ref: $ref) { ... } }: nested arguments come as variables.
    const ref = Object.entries(variables).find(([k, v]) => /ref|image/i.test(k) && typeof v === "string")?.[1] as string | undefined;
    if (ref) app.image = imageJson(ref);
    // GetAppReleasesMachines: `releases: releasesUnprocessed(first: $limit)`, newest first. Its $status
    // variable is sent but not used by the query text, so nothing is filtered by status.
    const limit = Number(variables.limit ?? 25) || 25;
    const releases = [...(findApp(req.stateDir, String(field.args.name))?.apiReleases ?? [])].reverse().slice(0, limit);
    app.releases = { nodes: releases.map(releaseJson) };
    return app;
  },
};

export function registerResolver(name: string, resolver: Resolver): void {
  resolvers[name] = resolver;
}

export const graphql: Handler = async (req) => {
  const body = req.json<{ query?: string; variables?: Json; operationName?: string }>();
  const query = body.query ?? "";
  let op;
  try {
    op = parseOperation(query, body.variables ?? {});
  } catch (error) {
    return { status: 200, body: { data: null, errors: [{ message: (error as Error).message }] } };
  }
  req.label = `${op.kind} ${op.name ?? body.operationName ?? ""} {${op.fields.map((f) => f.name).join(",")}}`.replace("  ", " ");
  const data: Json = {};
  const errors: Json[] = [];
  for (const field of op.fields) {
    const resolver = resolvers[field.name];
    if (!resolver) {
      errors.push({ message: `fake-fly-api: no resolver for ${op.kind} field ${field.name}`, path: [field.alias] });
      data[field.alias] = null;
      req.label += " UNHANDLED";
      continue;
    }
    try {
      data[field.alias] = await resolver(field, req, body.variables ?? {});
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      data[field.alias] = null;
      errors.push({ message: error.message, path: [field.alias], ...(error.code ? { extensions: { code: error.code } } : {}) });
    }
  }
  return { status: 200, body: errors.length ? { data, errors } : { data } };
};
