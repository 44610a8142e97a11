/**
 * Looks for secret values in text: raw, and in the forms a value takes on its way through the
 * program (JSON-escaped in state files and logs, percent-encoded in URLs, base64 in env dumps).
 */
export interface Leak {
  /** Where the value was found (a name the caller gave the text). */
  source: string;
  /** Which form of the value: raw, json, url or base64. */
  form: string;
  /** The secret's position in the list the caller gave (never the value itself). */
  secret: number;
}

/** Shorter values would match by chance; every secret the local target uses is longer. */
const MIN_LENGTH = 8;

function formsOf(secret: string): Record<string, string> {
  return {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    url: encodeURIComponent(secret),
    base64: Buffer.from(secret).toString("base64"),
  };
}

export function findLeaks(sources: Record<string, string>, secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  secrets.forEach((secret, index) => {
    if (secret.length < MIN_LENGTH)
      throw new Error(`secret #${index} is shorter than ${MIN_LENGTH} characters: a scan for it means nothing`);
    const forms = Object.entries(formsOf(secret)).filter(([form, text]) => form === "raw" || text !== secret);
    for (const [source, text] of Object.entries(sources))
      for (const [form, value] of forms) if (text.includes(value)) leaks.push({ source, form, secret: index });
  });
  return leaks;
}
