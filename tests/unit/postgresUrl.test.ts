import { formatPostgresUrl, parsePostgresUrl, PostgresUrlError } from "../../lib/postgresUrl";
import { supabaseModeOf } from "../../lib/endpoints";

describe("parsePostgresUrl", () => {
  it.each([
    [
      "direct",
      "postgresql://postgres:pw@db.abcdefghijklmnopqrst.supabase.co:5432/postgres",
      "db.abcdefghijklmnopqrst.supabase.co",
      5432,
      "postgres",
      "direct",
    ],
    [
      "session pooler",
      "postgres://postgres.abcdefghijklmnopqrst:pw@aws-0-us-east-1.pooler.supabase.com:5432/postgres",
      "aws-0-us-east-1.pooler.supabase.com",
      5432,
      "postgres.abcdefghijklmnopqrst",
      "session",
    ],
    [
      "transaction pooler",
      "postgres://postgres.abcdefghijklmnopqrst:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true",
      "aws-0-eu-central-1.pooler.supabase.com",
      6543,
      "postgres.abcdefghijklmnopqrst",
      "transaction",
    ],
  ])("reads a Supabase %s DSN", (_label, url, host, port, user, mode) => {
    const parts = parsePostgresUrl(url, "k");
    expect(parts).toMatchObject({ host, port, user, password: "pw", database: "postgres" });
    expect(supabaseModeOf(parts.host, parts.port)).toBe(mode);
  });

  it("reads a plain PostgreSQL URL with the default port and query parameters", () => {
    const parts = parsePostgresUrl("postgres://app@10.0.0.5/chatwoot?sslmode=verify-full&application_name=cw", "k");
    expect(parts).toEqual({
      host: "10.0.0.5",
      port: 5432,
      user: "app",
      password: undefined,
      database: "chatwoot",
      params: { sslmode: "verify-full", application_name: "cw" },
    });
    expect(supabaseModeOf(parts.host, parts.port)).toBeUndefined();
  });

  it("formats a URL without a password or parameters as just the user, host, port and database", () => {
    const url = formatPostgresUrl({ host: "db.example", port: 5432, user: "app", password: undefined, database: "chat woot", params: {} });
    expect(url).toBe("postgres://app@db.example:5432/chat%20woot");
    expect(parsePostgresUrl(url, "k")).toMatchObject({ user: "app", password: undefined, database: "chat woot", params: {} });
  });

  it("decodes percent-encoded passwords and round-trips awkward ones", () => {
    const password = `p@ss:w/rd "quoted" $HOME #x\nline2 ü`;
    const url = formatPostgresUrl({ host: "localhost", port: 6432, user: "u", password, database: "db", params: { sslmode: "disable" } });
    expect(url).not.toContain(password);
    expect(parsePostgresUrl(url, "k")).toMatchObject({ password, host: "localhost", port: 6432, params: { sslmode: "disable" } });
  });

  it.each([
    ["not a url", "not a URL"],
    ["mysql://u:p@h/db", 'scheme "mysql" is not postgres or postgresql'],
    ["postgres:///db", "the URL has no host"],
    ["postgres://u:p@h:5432/", "no database name"],
    ["postgres://h:5432/db", "no user"],
    ["postgres://u:p%zz@h:5432/db", "invalid percent-encoding in its password"],
    ["postgres://u%E0%A4%A:pw@h:5432/db", "invalid percent-encoding in its user"],
    ["postgres://u:pw@h:5432/d%b", "invalid percent-encoding in its database name"],
  ])("rejects %s naming the field but not the value", (url, why) => {
    let error: unknown;
    try {
      parsePostgresUrl(url, "chatwoot:databaseUrl");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PostgresUrlError);
    expect((error as Error).message).toContain("chatwoot:databaseUrl");
    expect((error as Error).message).toContain(why);
    if (url.includes(":p@")) expect((error as Error).message).not.toContain(":p@");
    for (const part of [url, "p%zz", "u%E0", "d%b"]) expect((error as Error).message).not.toContain(part);
  });
});
