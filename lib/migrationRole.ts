/**
 * An optional role of its own for the migration (database.migrationUser): the migration's endpoint is
 * the declared one with this user. A pooler keeps one pool per user + database, so on a pooler the
 * migration gets a pool of its own instead of joining the app's; on the direct endpoint it still counts
 * against the server's max_connections (lib/budget.ts, lib/endpoints.ts poolKey).
 *
 * Supabase's poolers take the user as `<role>.<project-ref>` and the direct endpoint the bare role
 * (https://supabase.com/docs/guides/database/connecting-to-postgres).
 */
import { configKey, type ConfigIssue } from "./config/issues";
import type { PlainConfig } from "./config/schema";

/**
 * The project ref of a Supabase pooler user (`postgres.<ref>` -> `<ref>`). The config schema's role
 * names start with a letter, so a user never starts with the dot.
 */
function projectRef(user: string): string | undefined {
  return user.includes(".") ? user.slice(user.indexOf(".") + 1) : undefined;
}

export function migrationRoleIssues(config: Pick<PlainConfig, "database">): ConfigIssue[] {
  const db = config.database;
  const user = db.migrationUser;
  const endpoint = db.endpoints[db.migrations];
  if (!user || !endpoint || db.provider !== "supabase") return [];
  const key = configKey(["database", "migrationUser"]);
  if (db.migrations === "direct") {
    if (!user.includes(".")) return [];
    return [
      {
        key,
        message:
          "the migration uses the direct endpoint, which takes the bare role name (the <role>.<project-ref> form is for the poolers)",
        found: JSON.stringify(user),
        fix: `pulumi config set --path '${key}' ${user.slice(0, user.indexOf("."))}`,
      },
    ];
  }
  const ref = projectRef(endpoint.user);
  if (ref && projectRef(user) === ref) return [];
  const role = user.split(".")[0];
  return [
    {
      key,
      message: `the migration uses Supabase's ${db.migrations} pooler, which takes the user as <role>.<project-ref>${ref ? ` (project ${ref}, from database.endpoints.${db.migrations}.user)` : ""}`,
      found: JSON.stringify(user),
      fix: `pulumi config set --path '${key}' ${role}.${ref ?? "<project-ref>"}`,
    },
  ];
}
