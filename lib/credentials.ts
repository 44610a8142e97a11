/**
 * Recognizes credentials in text that is meant to be plain (config values, argv, fly.toml,
 * triggers). Returns what kind of credential was found, never the credential itself.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@/i, "a URL with a password"],
  [/SECRET_KEY_BASE\s*[=:]\s*["']?[A-Za-z0-9]{16,}/, "a SECRET_KEY_BASE value"],
  [/\bFlyV1\s+\S{8,}/, "a Fly API token (FlyV1 ...)"],
  [/\b(?:fm1[ar]?|fm2|fo1)_[A-Za-z0-9_+/=-]{16,}/, "a Fly API token"],
  [/\b[A-Z][A-Z0-9_]*(?:PASSWORD|TOKEN|SECRET)[A-Z0-9_]*\s*[=:]\s*["']?[^\s"']{4,}/, "a *_PASSWORD / *_TOKEN / *_SECRET value"],
];

/** Query parameters that carry a credential in a URL (`?password=`, `&access_token=`, ...). */
const CREDENTIAL_QUERY =
  /[?&]((?:password|passwd|pwd|pass|secret|client_secret|token|access_token|auth_token|api_key|apikey|key|signature|sig)=)[^&#\s]/i;

/**
 * A URL whose user is a token rather than a name (Sentry DSNs, Git tokens): letters and digits only,
 * 20 or more, at least one digit. A name like `postgres.abcdefghijklmnopqrst` has a dot and is not one.
 */
const TOKEN_AS_USER = /\b[a-z][a-z0-9+.-]*:\/\/(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}@/i;

export function findCredentials(text: string): string[] {
  const found = PATTERNS.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
  const query = CREDENTIAL_QUERY.exec(text);
  if (query && /\b[a-z][a-z0-9+.-]*:\/\//i.test(text)) found.push(`a URL with a credential in its query (?${query[1].toLowerCase()})`);
  if (TOKEN_AS_USER.test(text)) found.push("a URL with a token as its user");
  return found;
}

/**
 * Environment names that hold credentials by convention (SMTP_PASSWORD, OPENAI_API_KEY,
 * VAPID_PRIVATE_KEY, ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY, FB_VERIFY_TOKEN, ...). A *_PUBLIC_KEY is
 * public by its name and not one.
 */
export function isCredentialName(name: string): boolean {
  if (/(?:^|_)PUBLIC_KEY$/.test(name)) return false;
  return /(?:^|_)(?:PASS|PASSWORD|PASSWD|PWD|SECRET|TOKEN|CREDENTIALS?|SALT)(?:_|$)|_KEY$|(?:^|_)KEY(?:_|$)/.test(name);
}
