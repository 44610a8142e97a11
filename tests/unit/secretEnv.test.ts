/** chatwoot:secretEnv: names checked (never values echoed), reserved names and plain duplicates refused. */
import { validateCredentials } from "../../lib/config/validate";
import { planCredentials } from "../../lib/rules";
import { secretEnvIssues } from "../../lib/secretEnv";
import { planWithExtraEnv, stagingWith, validConfig } from "../support/configs";

const SECRET = "smtp-hunter2-very-secret";

describe("the secret env map", () => {
  it("accepts upper-case env names with any one-line or multi-line value", () => {
    const { credentials, issues } = validateCredentials({
      redisUrl: "redis://x",
      secretEnv: { SMTP_PASSWORD: SECRET, SENTRY_DSN: "a\nb" },
    });
    expect(issues).toEqual([]);
    expect(credentials?.secretEnv).toEqual({ SMTP_PASSWORD: SECRET, SENTRY_DSN: "a\nb" });
  });

  it.each([["smtp_password"], ["SMTP-PASSWORD"], ["1SMTP"], ["SMTP PASSWORD"]])(
    "rejects the name %j, naming the key, never the value",
    (name) => {
      const { issues } = validateCredentials({ redisUrl: "redis://x", secretEnv: { [name]: SECRET } });
      expect(issues).toEqual([
        expect.objectContaining({ key: `chatwoot:secretEnv.${name}`, message: expect.stringContaining("env var name") }),
      ]);
      expect(JSON.stringify(issues)).not.toContain(SECRET);
    },
  );

  it("rejects a value fly secrets import cannot carry, without echoing it", () => {
    const { issues } = validateCredentials({ redisUrl: "redis://x", secretEnv: { SMTP_PASSWORD: `${SECRET}\r` } });
    expect(issues.map((i) => i.key)).toEqual(["chatwoot:secretEnv.SMTP_PASSWORD"]);
    expect(JSON.stringify(issues)).not.toContain(SECRET);
  });

  it("refuses names the stack sets itself and names also in rails.extraEnv", () => {
    const config = validConfig(stagingWith({ rails: { extraEnv: { SMTP_ADDRESS: "smtp.example.com", SENTRY_DSN: "x" } } }));
    const issues = secretEnvIssues(config, { DATABASE_URL: SECRET, SENTRY_DSN: SECRET, SMTP_PASSWORD: SECRET });
    expect(issues).toEqual([
      {
        key: "chatwoot:secretEnv.DATABASE_URL",
        message: "is set by the stack itself (from other keys or as a secret)",
        fix: "pulumi config rm --path 'chatwoot:secretEnv.DATABASE_URL'; docs/config.md names the key that sets DATABASE_URL",
      },
      {
        key: "chatwoot:secretEnv.SENTRY_DSN",
        message: "is also a plain value in rails.extraEnv; one name, one place",
        fix: "pulumi config rm --path 'chatwoot:rails.extraEnv.SENTRY_DSN' (keep the secret)",
      },
    ]);
  });

  it("is where the credentials rule's fix sends a password found in rails.extraEnv", () => {
    const plan = planWithExtraEnv({ SMTP_PASSWORD: "hunter2hunter2" });
    const [message] = planCredentials.check(plan);
    expect(message).toContain("pulumi config set --secret --path 'chatwoot:secretEnv.<NAME>' <value>");
  });
});
