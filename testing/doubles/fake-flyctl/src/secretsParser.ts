/**
 * `flyctl secrets import` stdin parser, after superfly/flyctl internal/command/secrets/parser.go:
 * lines are read with bufio.Scanner (ScanLines: split at \n, one trailing \r dropped; a line longer
 * than 64 KiB stops the scan and, as flyctl ignores scanner.Err(), the rest is silently dropped);
 * lines starting with '#' and blank lines are skipped; a line is cut at its first '='; the key is
 * TrimSpace'd, the value TrimLeft'ed of spaces; a value starting with """ opens a multiline value
 * (rest of the line + "\n", then whole lines + "\n", until a line ending with """ whose text before
 * the """ ends the value, with no newline added); otherwise a value that starts and ends with '"'
 * loses one pair. An unterminated multiline value is dropped. Later keys overwrite earlier ones.
 */
/** flyctl crashed (exit 2, `panic: ...` on stderr). */
export class GoPanic extends Error {}

const MAX_TOKEN = 64 * 1024;

function scanLines(input: string): string[] {
  const lines: string[] = [];
  let start = 0;
  const bytes = (s: string) => Buffer.byteLength(s, "utf8");
  while (start < input.length) {
    const nl = input.indexOf("\n", start);
    const raw = nl < 0 ? input.slice(start) : input.slice(start, nl);
    // bufio.Scanner's buffer holds at most 64 KiB including the newline.
    if (bytes(raw) + (nl < 0 ? 0 : 1) > MAX_TOKEN) break;
    lines.push(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (nl < 0) break;
    start = nl + 1;
  }
  return lines;
}

export function parseSecrets(input: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  let multiline = false;
  let key = "";
  let value = "";
  for (const line of scanLines(input)) {
    if (!multiline) {
      if (line.startsWith("#") || line.trim() === "") continue;
      const eq = line.indexOf("=");
      if (eq < 0) throw new Error(`Secrets must be provided as NAME=VALUE pairs (${line} is invalid)`);
      const k = line.slice(0, eq).trim();
      let v = line.slice(eq + 1).replace(/^ +/, "");
      if (v.startsWith('"""')) {
        multiline = true;
        key = k;
        value = v.slice(3) + "\n";
      } else {
        if (v.startsWith('"') && v.endsWith('"')) {
          // Go's value[1:len(value)-1] on a lone `"` is out of range: flyctl panics.
          if (v.length === 1) throw new GoPanic("runtime error: slice bounds out of range [1:0]");
          v = v.slice(1, -1);
        }
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
