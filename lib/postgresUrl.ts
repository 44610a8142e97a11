/** Parsing and formatting of PostgreSQL connection URLs (libpq URI form). */

export interface PostgresUrlParts {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  params: Record<string, string>;
}

/** Thrown for a URL that cannot be used; the message never contains the URL (it may hold a password). */
export class PostgresUrlError extends Error {}

const DEFAULT_PORT = 5432;

export function parsePostgresUrl(text: string, field: string): PostgresUrlParts {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PostgresUrlError(`${field}: not a URL; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new PostgresUrlError(`${field}: scheme "${url.protocol.slice(0, -1)}" is not postgres or postgresql`);
  }
  if (!url.hostname) throw new PostgresUrlError(`${field}: the URL has no host`);
  if (!url.username) throw new PostgresUrlError(`${field}: the URL has no user`);
  // decodeURIComponent throws a URIError on a stray % (e.g. an unencoded "50%off" password).
  const decode = (text: string, part: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw new PostgresUrlError(`${field}: invalid percent-encoding in its ${part}; write a literal % as %25`);
    }
  };
  const database = decode(url.pathname.slice(1), "database name"); // the path without its leading /
  if (!database) throw new PostgresUrlError(`${field}: the URL has no database name (…/DATABASE)`);
  const params: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    params[key] = value;
  });
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : DEFAULT_PORT,
    user: decode(url.username, "user"),
    password: url.password ? decode(url.password, "password") : undefined,
    database,
    params,
  };
}

/** Formats a URL; user, password and database are percent-encoded so any character survives. */
export function formatPostgresUrl(parts: PostgresUrlParts): string {
  const auth = encodeURIComponent(parts.user) + (parts.password === undefined ? "" : `:${encodeURIComponent(parts.password)}`);
  const query = new URLSearchParams(Object.entries(parts.params).sort(([a], [b]) => a.localeCompare(b))).toString();
  return `postgres://${auth}@${parts.host}:${parts.port}/${encodeURIComponent(parts.database)}${query ? `?${query}` : ""}`;
}
