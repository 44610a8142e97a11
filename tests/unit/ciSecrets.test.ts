/** lib/config/ciSecrets.ts: which variable carries each credential in CI, and the config writes they make. */
import { CI_SECRET_KEYS, ciSecretVariable, ciSecretWrites } from "../../lib/config/ciSecrets";
import { CREDENTIAL_KEYS } from "../../lib/config/schema";

describe("ciSecretVariable", () => {
  it("names each credential key CHATWOOT_<KEY IN SNAKE CASE>; the Fly token stays FLY_API_TOKEN", () => {
    expect(CI_SECRET_KEYS.map(ciSecretVariable)).toEqual([
      "CHATWOOT_DATABASE_PASSWORD",
      "CHATWOOT_DATABASE_URL",
      "CHATWOOT_REDIS_URL",
      "CHATWOOT_SECRET_KEY_BASE",
      "CHATWOOT_ADMIN_PASSWORD",
      "CHATWOOT_MIGRATION_DATABASE_PASSWORD",
      "CHATWOOT_STORAGE_ACCESS_KEY_ID",
      "CHATWOOT_STORAGE_SECRET_ACCESS_KEY",
      "CHATWOOT_SECRET_ENV",
    ]);
    expect(Object.keys(CREDENTIAL_KEYS).filter((k) => !(CI_SECRET_KEYS as string[]).includes(k))).toEqual(["flyApiToken"]);
  });
});

describe("ciSecretWrites", () => {
  it("writes the set variables, byte for byte; an empty one (an undefined GitHub secret) is skipped", () => {
    const { writes, issues } = ciSecretWrites({
      CHATWOOT_REDIS_URL: "rediss://default:x@h:6379\n",
      CHATWOOT_DATABASE_PASSWORD: "",
      FLY_API_TOKEN: "fly-token",
    });
    expect(issues).toEqual([]);
    expect(writes).toEqual([{ key: "chatwoot:redisUrl", value: "rediss://default:x@h:6379\n", from: "CHATWOOT_REDIS_URL" }]);
  });

  it("spreads CHATWOOT_SECRET_ENV, a JSON object, over secretEnv keys", () => {
    const { writes } = ciSecretWrites({ CHATWOOT_SECRET_ENV: JSON.stringify({ SMTP_PASSWORD: 'a"b', SENTRY_DSN: "" }) });
    expect(writes).toEqual([
      { key: "chatwoot:secretEnv.SMTP_PASSWORD", value: 'a"b', from: "CHATWOOT_SECRET_ENV.SMTP_PASSWORD" },
      { key: "chatwoot:secretEnv.SENTRY_DSN", value: "", from: "CHATWOOT_SECRET_ENV.SENTRY_DSN" },
    ]);
  });

  it.each([
    ["SMTP_PASSWORD=hunter2-secret"],
    ['["hunter2-secret"]'],
    ['{"SMTP_PASSWORD": 7}'],
    ['{"SMTP_PASSWORD": "hunter2-secret", "SMTP_PORT": 587}'],
    ["null"],
  ])("refuses CHATWOOT_SECRET_ENV=%s without showing it; the other variables still map", (value) => {
    const { writes, issues } = ciSecretWrites({ CHATWOOT_SECRET_ENV: value, CHATWOOT_REDIS_URL: "redis://h" });
    expect(issues).toEqual([
      {
        key: "CHATWOOT_SECRET_ENV",
        message: "CHATWOOT_SECRET_ENV must hold a JSON object of env name to string value",
        fix: 'set the secret CHATWOOT_SECRET_ENV to e.g. {"SMTP_PASSWORD": "<value>"}',
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain("hunter2");
    expect(issues[0].found).toBeUndefined();
    expect(writes.map((w) => w.key)).toEqual(["chatwoot:redisUrl"]);
  });
});
