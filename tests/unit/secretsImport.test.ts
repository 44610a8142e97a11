import fc from "fast-check";
import { encodeSecretsForImport, UnencodableSecretError } from "../../lib/secretsImport";
// The stand-in flyctl's port of flyctl's own parser (internal/command/secrets/parser.go).
import { parseSecrets } from "../../testing/doubles/fake-flyctl/src/secretsParser";

const roundTrip = (secrets: Record<string, string>) => parseSecrets(encodeSecretsForImport(secrets));

describe("encodeSecretsForImport", () => {
  it.each([
    ["quotes", `pa"ss'word"`],
    ["surrounding quotes", `"quoted"`],
    ["dollar and backticks", "$HOME $(id) `id` ${X}"],
    ["leading and trailing spaces", "  padded  "],
    ["hash", "# not a comment #"],
    ["equals", "a=b=c"],
    ["empty", ""],
    ["newlines", "line1\nline2\n\nline4"],
    ["trailing newline", "pem\n"],
    ["multi-line with quotes", '"first\n"""middle\nlast"""'],
    ["unicode", "pässwörd ✓ 密码"],
    ["a URL with an encoded password", "postgres://u:p%40ss@h:5432/db?sslmode=require"],
  ])("round-trips %s through flyctl's parser", (_what, value) => {
    expect(roundTrip({ SECRET: value, OTHER: "x" })).toEqual({ SECRET: value, OTHER: "x" });
  });

  it("round-trips any value it accepts (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ unit: "binary", maxLength: 40 })), (secrets) => {
        let encoded: string;
        try {
          encoded = encodeSecretsForImport(secrets);
        } catch (error) {
          expect(error).toBeInstanceOf(UnencodableSecretError);
          return;
        }
        expect(parseSecrets(encoded)).toEqual(secrets);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ["carriage return", "a\rb", "carriage returns"],
    ["a value that would open a block", '""x', 'starting with ""'],
    ["an inner line ending in triple quotes", 'a\nb"""\nc', 'ends in """'],
    ["a 64 KiB line", "x".repeat(70000), "64 KiB"],
  ])("refuses %s, naming the key but not the value", (_what, value, why) => {
    expect(() => encodeSecretsForImport({ DB_PASSWORD: value })).toThrow(new RegExp(`secret DB_PASSWORD: .*${why.replace(/"/g, '"')}`));
  });

  it("refuses a bad name", () => {
    expect(() => encodeSecretsForImport({ "BAD NAME": "x" })).toThrow(/not a valid env var name/);
  });
});
