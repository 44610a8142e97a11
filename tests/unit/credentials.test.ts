/** lib/credentials.ts: what counts as a credential in plain text, and what must not. */
import { findCredentials, isCredentialName } from "../../lib/credentials";

describe("findCredentials", () => {
  it.each([
    ["https://admin:pw@support.example.com", "a URL with a password"],
    ["https://support.example.com/?password=x", "a URL with a credential in its query (?password=)"],
    ["https://hooks.example.com/in?user=x&Access_Token=y", "a URL with a credential in its query (?access_token=)"],
    ["https://0a1b2c3d4e5f60718293a4b5c6d7e8f9@o1.ingest.sentry.io/42", "a URL with a token as its user"],
  ])("finds %s", (text, what) => {
    expect(findCredentials(text)).toEqual([what]);
  });

  it.each([
    "https://support.example.com/?page=2&sort=name",
    "postgres://postgres.abcdefghijklmnopqrst@aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
    "https://administrator@support.example.com",
    "password=x without a URL is the env rule's business",
  ])("leaves %s alone", (text) => {
    expect(findCredentials(text)).toEqual([]);
  });
});

describe("isCredentialName", () => {
  it.each([
    "SMTP_PASS",
    "SMTP_PASSWORD",
    "OPENAI_API_KEY",
    "VAPID_PRIVATE_KEY",
    "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY",
    "FB_VERIFY_TOKEN",
    "SLACK_CLIENT_SECRET",
    "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT",
    // each boundary of the pattern: at the start of the name, the plural's singular, KEY alone or first
    "PASSWORD",
    "GOOGLE_CREDENTIAL",
    "KEY",
    "KEY_MATERIAL",
    // PUBLIC_KEY is public only at the end of the name
    "SIGNING_PUBLIC_KEY_SECRET",
  ])("%s is one", (name) => expect(isCredentialName(name)).toBe(true));
  it.each([
    "VAPID_PUBLIC_KEY",
    "SMTP_ADDRESS",
    "SMTP_USERNAME",
    "MAILER_SENDER_EMAIL",
    "SENTRY_DSN",
    "KEYBOARD_LAYOUT",
    "PASSENGER_COUNT",
    "MONKEY",
    "BYPASS_MODE",
  ])("%s is not", (name) => expect(isCredentialName(name)).toBe(false));
});
