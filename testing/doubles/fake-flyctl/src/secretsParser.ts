/**
 * `flyctl secrets import` stdin parser, after superfly/flyctl internal/command/secrets/parser.go as of
 * flyctl v0.4.87 (commit ad0172face30, the flyctl this repo builds; its inline-comment and one-line
 * triple-quote rules arrived in 2025). Rules, in flyctl's order:
 * - lines are read with bufio.Scanner (ScanLines: split at \n, one trailing \r dropped); a line that
 *   does not fit its 64 KiB buffer (a line plus its newline over 65536 bytes, a last line without a
 *   newline of 65536 bytes or more) stops the scan, and as flyctl ignores scanner.Err() the rest is
 *   silently dropped;
 * - outside a multi-line value: lines starting with '#' and blank lines (Go's TrimSpace) are skipped;
 *   a line without '=' is an error that quotes the line; the line is cut at its first '='; the key is
 *   TrimSpace'd (Go's Unicode white space), the value TrimLeft'ed of spaces;
 * - an inline comment: when the value holds a '#' and the text before the first '#' holds an even
 *   number of '"', the value becomes that text, TrimRight'ed of spaces;
 * - a value starting and ending with `"""`, 6 bytes or more, is a complete one-line value without them;
 * - else a value starting with `"""` opens a multi-line value (rest of the line + "\n", then whole lines
 *   + "\n", with no comment handling, until a line ending with `"""`, whose text before the `"""` ends
 *   the value, with no newline added); an unterminated one is dropped;
 * - else one pair of surrounding '"', or else of surrounding '\'', is removed; a lone `"` or `'` is a
 *   Go slice out of range: flyctl panics.
 * Later keys overwrite earlier ones. tests/unit/secretsImport.test.ts compares this port with that
 * parser compiled from its source (testing/dotenv-probe).
 */
/** flyctl crashed (exit 2, `panic: ...` on stderr). */
export class GoPanic extends Error {}

/** bufio.MaxScanTokenSize. */
const MAX_TOKEN = 64 * 1024;

function scanLines(input: string): string[] {
  const lines: string[] = [];
  let start = 0;
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  while (start < input.length) {
    const nl = input.indexOf("\n", start);
    const raw = nl < 0 ? input.slice(start) : input.slice(start, nl);
    // The buffer must hold the line and its newline; a last line without one must leave the buffer
    // not full, or the scanner reports ErrTooLong before it sees EOF.
    if (nl < 0 ? bytes(raw) >= MAX_TOKEN : bytes(raw) + 1 > MAX_TOKEN) break;
    lines.push(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

/** Go's unicode.IsSpace: ASCII \t \n \v \f \r and space, U+0085, U+00A0, and the Unicode White_Space of the Z categories. */
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const goTrimSpace = (s: string) => s.replace(new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g"), "");
const trimLeftSpaces = (s: string) => s.replace(/^ +/, "");
const trimRightSpaces = (s: string) => s.replace(/ +$/, "");

/** Go's value[1:len(value)-1] on a one-byte value. */
function unwrap(value: string): string {
  if (value.length === 1) throw new GoPanic("runtime error: slice bounds out of range [1:0]");
  return value.slice(1, -1);
}

export function parseSecrets(input: string): Record<string, string> {
  // A Go map: any name is a key, "__proto__" included.
  const secrets: Record<string, string> = Object.create(null);
  let multiline = false;
  let key = "";
  let value = "";
  for (const line of scanLines(input)) {
    if (!multiline) {
      if (line.startsWith("#") || goTrimSpace(line) === "") continue;
      const eq = line.indexOf("=");
      if (eq < 0) throw new Error(`Secrets must be provided as NAME=VALUE pairs (${line} is invalid)`);
      const k = goTrimSpace(line.slice(0, eq));
      let v = trimLeftSpaces(line.slice(eq + 1));
      const hash = v.indexOf("#");
      if (hash >= 0 && (v.slice(0, hash).split('"').length - 1) % 2 === 0) v = trimRightSpaces(v.slice(0, hash));
      if (v.startsWith('"""') && v.endsWith('"""') && v.length >= 6) {
        secrets[k] = v.slice(3, -3);
      } else if (v.startsWith('"""')) {
        multiline = true;
        key = k;
        value = v.slice(3) + "\n";
      } else {
        if (v.startsWith('"') && v.endsWith('"')) v = unwrap(v);
        else if (v.startsWith("'") && v.endsWith("'")) v = unwrap(v);
        secrets[k] = v;
      }
    } else if (line.endsWith('"""')) {
      value += line.slice(0, -3);
      secrets[key] = value;
      multiline = false;
      key = "";
      value = "";
    } else {
      value += line + "\n";
    }
  }
  return secrets;
}
