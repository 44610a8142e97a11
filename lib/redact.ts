/**
 * Removes known secret values from text that is about to be printed or stored. A value is also removed
 * trimmed (tools trim what they print) and percent-encoded (as inside a connection URL).
 */
export function redact(text: string, secrets: readonly string[]): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    for (const form of [secret, secret.trim()]) {
      if (form.length < 3) continue;
      variants.add(form);
      variants.add(encodeURIComponent(form));
    }
  }
  let out = text;
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    out = out.split(variant).join("[redacted]");
  }
  return out;
}
