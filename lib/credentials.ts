/**
 * Recognizes credentials in text that is meant to be plain (argv, fly.toml, triggers). Returns what
 * kind of credential was found, never the credential itself.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@/i, "a URL with a password"],
  [/SECRET_KEY_BASE\s*[=:]\s*["']?[A-Za-z0-9]{16,}/, "a SECRET_KEY_BASE value"],
  [/\bFlyV1\s+\S{8,}/, "a Fly API token (FlyV1 ...)"],
  [/\b(?:fm1[ar]?|fm2|fo1)_[A-Za-z0-9_+/=-]{16,}/, "a Fly API token"],
  [/\b[A-Z][A-Z0-9_]*(?:PASSWORD|TOKEN|SECRET)[A-Z0-9_]*\s*[=:]\s*["']?[^\s"']{4,}/, "a *_PASSWORD / *_TOKEN / *_SECRET value"],
];

export function findCredentials(text: string): string[] {
  return PATTERNS.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
}
