import { createHash } from "node:crypto";

/**
 * Encodes secrets for `fly secrets import` (stdin, NAME=VALUE lines), for the parser of the flyctl this
 * stack ships (0.4.87, superfly/flyctl internal/command/secrets/parser.go). That parser has no escapes.
 * On the first line of an entry it:
 *   1. cuts the value at its first `#` when the text before it holds an even number of `"` (an inline
 *      comment), then trims spaces on the right;
 *   2. reads `"""…"""` (6 bytes or more) as a complete one-line value;
 *   3. else opens a multi-line value at a leading `"""`: the rest of the line, a newline, then whole
 *      lines (no comment handling) up to the first line ending in `"""`, whose text before the `"""`
 *      ends the value;
 *   4. else removes one pair of surrounding `"` or `'`.
 * So a one-line value is wrapped in `"…"` (or `"""…"""` when it is `"` or starts with `""`) when the `"` before
 * its first `#` are even in number, and in `'…'` when they are odd: either way the text before the `#`
 * then holds an odd number of `"` and the `#` is kept. A multi-line value is wrapped in `"""…"""` and
 * must not have a first line ending in `"""` (read as a complete value: its other lines would become
 * entries of their own) or with a `#` after an odd number of `"` (cut), nor an inner line ending in
 * `"""` (the end marker). Those, and values no parser can carry, are refused, naming the key, never the
 * value. tests/unit/secretsImport.test.ts checks this against that parser compiled from its source.
 */
export class UnencodableSecretError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * flyctl reads stdin with Go's bufio.Scanner, whose default buffer (bufio.MaxScanTokenSize) holds
 * 64 KiB including the newline; a longer line silently ends the input (flyctl ignores scanner.Err()).
 */
const MAX_LINE_BYTES = 64 * 1024 - 1;

const TRIPLE = '"""';
/** In a `u` regex a surrogate pair is one code point, so this matches only a lone half. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The number of `"` before the first `#`, or undefined without a `#`. */
function quotesBeforeHash(text: string): number | undefined {
  const hash = text.indexOf("#");
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: only the parity is read; n+1 and n-1 share it, and a # first in the value has 0 quotes before it, which counts as no # does
  return hash < 0 ? undefined : text.slice(0, hash).split('"').length - 1;
}

/** What follows the reason in every refusal. */
export const CANNOT_CARRY = "fly secrets import cannot carry it: change the value, or store it base64-encoded";

/**
 * Encodes one secret, or returns why flyctl's parser cannot carry its value (never quoting the value).
 * A line's length is counted with the name in front of it.
 */
function encodeOrWhy(name: string, value: string): { line: string } | { why: string } {
  if (value.includes("\r")) return { why: "the value holds a carriage return (flyctl's line reader drops one at the end of a line)" };
  if (value.includes("\0")) return { why: "the value holds a NUL byte, which no environment variable can hold" };
  if (LONE_SURROGATE.test(value)) return { why: "the value is not valid Unicode (a lone surrogate)" };
  const lines = value.split("\n");
  let line: string;
  if (lines.length === 1) {
    const quotes = quotesBeforeHash(value);
    // `"…"` would begin with """ (and open a multi-line value) for `"` and for a value starting with "".
    if (quotes !== undefined && quotes % 2 === 1) line = `${name}='${value}'`;
    else line = value === '"' || value.startsWith('""') ? `${name}=${TRIPLE}${value}${TRIPLE}` : `${name}="${value}"`;
  } else {
    const [first] = lines;
    if (first.endsWith(TRIPLE)) {
      return { why: `the value has several lines and its first line ends in """, which flyctl reads as a complete value` };
    }
    const quotes = quotesBeforeHash(first);
    if (quotes !== undefined && quotes % 2 === 1) {
      return { why: `the value has several lines and its first line has a # after an odd number of double quotes, where flyctl cuts it` };
    }
    if (lines.slice(1, -1).some((l) => l.endsWith(TRIPLE))) {
      return { why: `the value has several lines and a line before its last ends in """, where flyctl ends it` };
    }
    line = `${name}=${TRIPLE}${value}${TRIPLE}`;
  }
  if (line.split("\n").some((l) => Buffer.byteLength(l, "utf8") > MAX_LINE_BYTES)) {
    return { why: "a line of the value is longer than flyctl reads (64 KiB)" };
  }
  return { line };
}

/**
 * Why `fly secrets import` cannot carry this value as the secret `name` (the name counts towards the
 * line length), or undefined when it can. Config validation uses it to refuse a credential up front.
 */
export function importProblem(name: string, value: string): string | undefined {
  const result = encodeOrWhy(name, value);
  return "why" in result ? result.why : undefined;
}

function encodeOne(name: string, value: string): string {
  if (!NAME.test(name)) throw new UnencodableSecretError(`secret name ${JSON.stringify(name)} is not a valid env var name`);
  const result = encodeOrWhy(name, value);
  if ("why" in result) throw new UnencodableSecretError(`secret ${name}: ${result.why}; ${CANNOT_CARRY}`);
  return result.line;
}

export function encodeSecretsForImport(secrets: Record<string, string>): string {
  return (
    Object.entries(secrets)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => encodeOne(name, value))
      .join("\n") + "\n"
  );
}

/** The revision of an import's text (encodeSecretsForImport): see secretsRevision. */
export function importRevision(stdin: string): string {
  return createHash("sha256").update(stdin).digest("hex");
}

/**
 * A digest of the values as they are imported: the same values give the same revision, so that the
 * rollout, which redeploys on a new revision, redeploys exactly when a value changed. Throws
 * UnencodableSecretError as encodeSecretsForImport does.
 */
export function secretsRevision(secrets: Record<string, string>): string {
  return importRevision(encodeSecretsForImport(secrets));
}
