/**
 * Encodes secrets for `fly secrets import` (stdin, NAME=VALUE lines). flyctl's parser
 * (superfly/flyctl internal/command/secrets/parser.go) trims spaces left of a value, strips one pair
 * of surrounding double quotes, and reads `NAME="""...` up to a line ending in `"""` as a multi-line
 * value. So every single-line value is wrapped in quotes and a multi-line value in triple quotes;
 * values the parser cannot carry are refused, naming the key, never the value.
 */
export class UnencodableSecretError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** flyctl reads stdin with Go's bufio.Scanner, whose default buffer holds 64 KiB per line. */
const MAX_LINE_BYTES = 64 * 1024 - 1;

function encodeOne(name: string, value: string): string {
  if (!NAME.test(name)) throw new UnencodableSecretError(`secret name ${JSON.stringify(name)} is not a valid env var name`);
  if (value.includes("\r") || value.includes("\0")) {
    throw new UnencodableSecretError(`secret ${name}: carriage returns and NUL bytes cannot pass through fly secrets import`);
  }
  const encodedLines = `${name}="""${value}"""`.split("\n");
  if (encodedLines.some((line) => Buffer.byteLength(line, "utf8") > MAX_LINE_BYTES)) {
    throw new UnencodableSecretError(`secret ${name}: a line longer than 64 KiB cannot pass through fly secrets import`);
  }
  if (!value.includes("\n")) {
    const wrapped = `"${value}"`;
    // A wrapped value that starts with """ would open a multi-line block instead.
    if (wrapped.startsWith('"""'))
      throw new UnencodableSecretError(`secret ${name}: a value starting with "" or equal to " cannot pass through fly secrets import`);
    return `${name}=${wrapped}`;
  }
  // The parser never checks the first line for the end marker; every later line but the last must not end in """.
  const inner = value.split("\n").slice(1, -1);
  if (inner.some((line) => line.endsWith('"""'))) {
    throw new UnencodableSecretError(`secret ${name}: a line of a multi-line value ends in """`);
  }
  return `${name}="""${value}"""`;
}

export function encodeSecretsForImport(secrets: Record<string, string>): string {
  return (
    Object.entries(secrets)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => encodeOne(name, value))
      .join("\n") + "\n"
  );
}
