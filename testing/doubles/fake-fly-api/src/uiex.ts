/**
 * The REST API under /api/v1 (flyctl internal/uiex: organizations.go, releases.go, builders.go).
 * Releases are recorded on the app (`apiReleases`); builds only get an id (nothing is built here:
 * the product deploys a prebuilt image).
 */
import { randomBytes } from "node:crypto";
import { update } from "../../fake-flyctl/src/store";
import { isoNow } from "../../fake-flyctl/src/time";
import { ApiError, type Request, type Route, ok } from "./http";
import { type ApiApp, type ApiRelease, type Json, apps, findApp, orgJson } from "./state";

/** The token's organizations: the server's list plus the orgs of existing apps. */
export function orgSlugs(req: Request): string[] {
  return [...new Set([...req.orgs, ...Object.values(apps(req.stateDir)).map((a) => a.org)])].sort();
}

function uiexOrg(slug: string): Json {
  const org = orgJson(slug);
  return {
    id: org.id,
    internal_numeric_id: Number(org.internalNumericId),
    slug,
    raw_slug: slug,
    paid_plan: true,
    personal: slug === "personal",
    billing_status: "CURRENT",
    provisions_beta_extensions: false,
    name: slug,
    billable: true,
    remote_builder_image: "",
  };
}

export function uiexRelease(r: ApiRelease): Json {
  return {
    id: r.id,
    version: r.version,
    stable: r.status === "complete",
    in_progress: r.status === "running" || r.status === "pending",
    status: r.status,
    strategy: r.strategy ?? "ROLLING",
    user: r.userEmail ?? "local@example.com",
    created_at: r.createdAt,
    image_ref: r.image,
  };
}

function requireUiexApp(req: Request, name: string): ApiApp {
  const app = findApp(req.stateDir, decodeURIComponent(name));
  // ASSUMPTION: an unknown app is 404 `{"error": "app not found"}` (flyctl prints the body).
  if (!app) throw new ApiError(404, "app not found");
  return app;
}

let buildIds = Date.now() % 1_000_000;

export const uiexRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/api\/v1\/organizations\/?$/,
    handler: (req) => ok({ organizations: orgSlugs(req).map(uiexOrg) }),
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/organizations\/([^/]+)$/,
    handler: (req, [slug]) => {
      const s = decodeURIComponent(slug);
      // ASSUMPTION: an org the token does not see is 404 `{"error": "organization not found"}`.
      if (!orgSlugs(req).includes(s)) throw new ApiError(404, "organization not found");
      return ok({ organization: uiexOrg(s) });
    },
  },
  {
    method: "POST",
    pattern: /^\/api\/v1\/builds$/,
    handler: () => ok({ id: ++buildIds, status: "created", wallclock_time_ms: 0 }),
  },
  {
    method: "POST",
    pattern: /^\/api\/v1\/builds\/finish$/,
    handler: (req) => ok({ id: req.json<{ build_id?: number }>().build_id ?? 0, status: "finished", wallclock_time_ms: 0 }),
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/apps\/([^/]+)\/releases$/,
    handler: (req, [name]) => {
      const releases = [...(requireUiexApp(req, name).apiReleases ?? [])].reverse();
      const limit = Number(req.query.get("limit") ?? 0);
      return ok({ releases: (limit > 0 ? releases.slice(0, limit) : releases).map(uiexRelease) });
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/apps\/([^/]+)\/releases\/current$/,
    handler: (req, [name]) => {
      const current = (requireUiexApp(req, name).apiReleases ?? []).filter((r) => r.status === "complete").at(-1);
      if (!current) throw new ApiError(404, "no current release");
      return ok(uiexRelease(current));
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/v1\/releases\/all_current$/,
    handler: (req) => {
      const out: Record<string, string> = {};
      for (const a of Object.values(apps(req.stateDir))) {
        const current = (a.apiReleases ?? []).filter((r) => r.status === "complete").at(-1);
        if (current) out[a.name] = current.createdAt;
      }
      return ok(out);
    },
  },
  {
    method: "POST",
    pattern: /^\/api\/v1\/releases$/,
    handler: (req) => {
      const input = req.json<{ app_name?: string; image?: string; strategy?: string; definition?: unknown }>();
      const name = input.app_name ?? "";
      requireUiexApp(req, name);
      const release = update(req.stateDir, (state) => {
        const app = state.apps[name] as ApiApp;
        app.apiReleases ??= [];
        const r: ApiRelease = {
          id: randomBytes(8).toString("hex"),
          version: (app.apiReleases.at(-1)?.version ?? 0) + 1,
          status: "pending",
          description: "Deploy image",
          image: input.image ?? "",
          createdAt: isoNow(),
          strategy: input.strategy,
          definition: input.definition,
        };
        app.apiReleases.push(r);
        return r;
      });
      req.changed = true;
      return ok({ release: uiexRelease(release) }, 201);
    },
  },
  {
    // The deploy reports its outcome: status running, then complete or failed. A complete release
    // makes the app "deployed".
    method: "PATCH",
    pattern: /^\/api\/v1\/releases\/([^/]+)$/,
    handler: (req, [id]) => {
      const status = req.json<{ status?: string }>().status ?? "";
      const release = update(req.stateDir, (state) => {
        for (const a of Object.values(state.apps) as ApiApp[]) {
          const r = a.apiReleases?.find((x) => x.id === id);
          if (!r) continue;
          if (status) r.status = status;
          if (status === "complete") {
            a.deployed = true;
            a.status = "deployed";
          }
          return r;
        }
        return undefined;
      });
      if (!release) throw new ApiError(404, "release not found");
      req.changed = true;
      return ok(uiexRelease(release));
    },
  },
];
