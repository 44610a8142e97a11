/**
 * lib/endpoints.ts host checks, anchors included: a Supabase-looking name inside another domain is not
 * Supabase's, and a name that starts or ends like localhost is not local.
 */
import { isLocalHost, sharesSupavisorPool, supabaseModeOf, type Endpoint } from "../../lib/endpoints";
import { SESSION_ENDPOINT } from "../support/configs";

describe("supabaseModeOf", () => {
  it.each([
    ["db.abcdefghij.supabase.co", 5432, "direct"],
    ["aws-0-us-east-1.pooler.supabase.com", 5432, "session"],
    ["aws-0-us-east-1.pooler.supabase.com", 6543, "transaction"],
  ])("%s:%d is the %s endpoint", (host, port, mode) => {
    expect(supabaseModeOf(host, port)).toBe(mode);
  });

  it.each([
    ["db.abcdefghij.supabase.co.example.net", 5432], // Supabase's name inside another domain
    ["xdb.abcdefghij.supabase.co", 5432],
    ["evil.db.abcdefghij.supabase.co", 5432],
    ["db.abc.def.supabase.co", 5432],
    ["aws-0-us-east-1.pooler.supabase.com.example.net", 5432],
    ["pooler.supabase.com", 5432], // no region label before it
    ["aws-0-us-east-1.pooler.supabase.com", 6432], // neither pooler port
  ])("%s:%d is not a Supabase endpoint", (host, port) => {
    expect(supabaseModeOf(host, port)).toBeUndefined();
  });
});

describe("isLocalHost", () => {
  it.each(["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])("%s is local", (host) => {
    expect(isLocalHost(host)).toBe(true);
  });

  it.each(["localhost.example.com", "my-localhost", "127.0.0.1.nip.io", "x127.0.0.1", "128.0.0.1", "::1.example.com", "[::1]x"])(
    "%s is not local",
    (host) => {
      expect(isLocalHost(host)).toBe(false);
    },
  );
});

describe("sharesSupavisorPool", () => {
  const session = SESSION_ENDPOINT;
  const transaction: Endpoint = { ...session, kind: "transaction", port: 6543 };

  it("pairs a session and a transaction port of one pooler, user and database, either way round", () => {
    expect(sharesSupavisorPool(session, transaction)).toBe(true);
    expect(sharesSupavisorPool(transaction, session)).toBe(true);
  });

  it.each<[string, Endpoint]>([
    ["another pooler host", { ...transaction, host: "aws-0-eu-central-1.pooler.supabase.com" }],
    ["another user", { ...transaction, user: "chatwoot_app.ref" }],
    ["another database", { ...transaction, database: "chatwoot" }],
    ["the same mode", { ...session, port: 6543 }],
    ["a direct endpoint", { ...transaction, kind: "direct" }],
  ])("keeps apart %s", (_what, other) => {
    expect(sharesSupavisorPool(session, other)).toBe(false);
  });
});
