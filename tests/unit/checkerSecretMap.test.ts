/** The offline checker reads a secret map (chatwoot:secretEnv, set with --secret --path) as secret only when every entry is encrypted. */
import { readFileSync } from "node:fs";
import { checkStackText } from "../../tools/check/checkStack";
import { STAGING_FIXTURE } from "../support/configs";

const staging = readFileSync(STAGING_FIXTURE, "utf8");

describe("config checker and chatwoot:secretEnv", () => {
  it("accepts a map whose entries are all encrypted", () => {
    const text = `${staging}  chatwoot:secretEnv:\n    SMTP_PASSWORD:\n      secure: v1:abc\n    SENTRY_DSN:\n      secure: v1:def\n`;
    expect(checkStackText(text).issues).toEqual([]);
  });

  it("refuses a map with one plaintext entry, without printing it", () => {
    const text = `${staging}  chatwoot:secretEnv:\n    SMTP_PASSWORD:\n      secure: v1:abc\n    SENTRY_DSN: https://public:plain-dsn-secret@sentry.example/1\n`;
    const { issues } = checkStackText(text);
    expect(issues).toEqual([expect.objectContaining({ key: "chatwoot:secretEnv", message: expect.stringContaining("plaintext") })]);
    expect(JSON.stringify(issues)).not.toContain("plain-dsn-secret");
  });
});
