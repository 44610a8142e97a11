/** Machines API apps and secrets (fly-go flaps/flaps_apps.go, flaps_secrets.go). */
import { createHash } from "node:crypto";
import { newApp } from "../../fake-flyctl/src/apps";
import { readState, update } from "../../fake-flyctl/src/store";
import { destroyMachine } from "../../fake-flyctl/src/runtime";
import { isoNow } from "../../fake-flyctl/src/time";
import { ApiError, type Route, ok } from "./http";
import { type ApiApp, type Json, apps, findApp, requireFlapsApp } from "./state";

function flapsAppJson(app: ApiApp): Json {
  return {
    id: app.id,
    name: app.name,
    internal_numeric_id: 1,
    network: "default",
    status: app.deployed ? "deployed" : "pending",
    machine_count: Object.keys(app.machines).length,
    volume_count: 0,
    organization: { name: app.org, slug: app.org, internal_numeric_id: 1 },
    cname_target: `${app.name}.fly.dev`,
    app_role: "",
  };
}

export function secretDigest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 16);
}

function secretsJson(app: ApiApp): Json[] {
  return Object.entries(app.secrets)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => ({
      name,
      digest: s.digest,
      created_at: s.createdAt,
      updated_at: app.secretUpdatedAt?.[name] ?? s.createdAt,
    }));
}

export const appRoutes: Route[] = [
  {
    // Volumes are not emulated: every app has none (flyctl's scale count lists them).
    method: "GET",
    pattern: /^\/v1\/apps\/([^/]+)\/volumes$/,
    handler: (req, [name]) => {
      requireFlapsApp(req.stateDir, decodeURIComponent(name));
      return ok([]);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/apps\/([^/]+)\/ip_assignments$/,
    handler: (req, [name]) => {
      requireFlapsApp(req.stateDir, decodeURIComponent(name));
      return ok({ ips: [] });
    },
  },
  {
    // Public addresses are not emulated: allocation is refused, so flyctl warns "Failed to provision IP
    // addresses" and goes on, and with no address its DNS check (a query to 8.8.8.8) is skipped:
    // nothing outside 127.0.0.1 is contacted. (A real first deploy gets a shared IPv4 and an IPv6.)
    method: "POST",
    pattern: /^\/v1\/apps\/([^/]+)\/ip_assignments$/,
    handler: (req, [raw]) => {
      requireFlapsApp(req.stateDir, decodeURIComponent(raw));
      throw new ApiError(422, "fake-fly-api: public IP addresses are not emulated");
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/apps$/,
    handler: (req) => {
      const input = req.json<{ name?: string; org_slug?: string }>();
      const name = input.name ?? "";
      const org = input.org_slug ?? "";
      // ASSUMPTION: status 422 and this text. fly-go flaps_error.go: the API sends the legacy
      // "Name has already been taken" alongside status "name_taken" (IsNameTakenError).
      const app = update(req.stateDir, (state) => {
        if (state.apps[name] || (state.foreignApps ?? []).includes(name))
          throw new ApiError(422, "Validation failed: Name has already been taken");
        const created: ApiApp = newApp(name, org);
        state.apps[name] = created;
        return created;
      });
      req.changed = true;
      return ok(flapsAppJson(app), 201);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/apps$/,
    handler: (req) => {
      const org = req.query.get("org_slug");
      const list = Object.values(apps(req.stateDir))
        .filter((a) => !org || a.org === org)
        .map(flapsAppJson);
      return ok({ total_apps: list.length, apps: list });
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/apps\/([^/]+)$/,
    handler: (req, [name]) => {
      const app = findApp(req.stateDir, decodeURIComponent(name));
      if (!app) {
        // fly-go flaps_apps.go AppNameAvailable: a name held by another organization is a 403.
        if ((readState(req.stateDir).foreignApps ?? []).includes(decodeURIComponent(name))) throw new ApiError(403, "unauthorized");
        throw new ApiError(404, "app not found");
      }
      return ok(flapsAppJson(app));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v1\/apps\/([^/]+)$/,
    handler: async (req, [raw]) => {
      const name = decodeURIComponent(raw);
      const app = requireFlapsApp(req.stateDir, name);
      // Fly tears the app's machines down with it.
      await Promise.all(Object.keys(app.machines).map((id) => destroyMachine(req.stateDir, name, id)));
      update(req.stateDir, (state) => {
        delete state.apps[name];
      });
      req.changed = true;
      // ASSUMPTION: 202 with no body (flyctl reads no body).
      return { status: 202 };
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/apps\/([^/]+)\/secrets$/,
    handler: (req, [name]) => ok({ secrets: secretsJson(requireFlapsApp(req.stateDir, decodeURIComponent(name))) }),
  },
  {
    // UpdateAppSecrets: a null value unsets. Every machine sees the new values at its next (re)start
    // (fake-flyctl's runtime reads the app secrets when it starts a process).
    method: "POST",
    pattern: /^\/v1\/apps\/([^/]+)\/secrets$/,
    handler: (req, [raw]) => {
      const name = decodeURIComponent(raw);
      requireFlapsApp(req.stateDir, name);
      const values = req.json<{ values?: Record<string, string | null> }>().values ?? {};
      const now = isoNow();
      const app = update(req.stateDir, (state) => {
        const a = state.apps[name] as ApiApp | undefined;
        if (!a) throw new ApiError(404, "app not found");
        a.secretUpdatedAt ??= {};
        for (const [key, value] of Object.entries(values)) {
          if (value === null) {
            delete a.secrets[key];
            delete a.secretUpdatedAt[key];
          } else {
            a.secrets[key] = { value, digest: secretDigest(value), createdAt: a.secrets[key]?.createdAt ?? now, staged: true };
            a.secretUpdatedAt[key] = now;
          }
        }
        a.secretsVersion = (a.secretsVersion ?? 0) + 1;
        return a;
      });
      req.changed = true;
      return ok({ secrets: secretsJson(app), version: app.secretsVersion });
    },
  },
];
