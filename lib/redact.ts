/**
 * Removes known secret values from text that is about to be printed or stored. A value is also removed
 * in its percent-encoded form, the way it appears inside a connection URL.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
  }
  let out = text;
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    out = out.split(variant).join("[redacted]");
  }
  return out;
}
