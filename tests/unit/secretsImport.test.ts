/**
 * The encoder of `fly secrets import` stdin against the parser of the flyctl we ship, compiled from its
 * sources (testing/dotenv-probe), and the flyctl double's port of that parser against the same.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { encodeSecretsForImport, UnencodableSecretError } from "../../lib/secretsImport";
import { GoPanic, parseSecrets } from "../../testing/doubles/fake-flyctl/src/secretsParser";
import { buildProbe, parseWithFlyctl, type FlyctlParse } from "../../testing/dotenv-probe/probe";

/** A cold Go cache builds flyctl's whole dependency graph (testing/dotenv-probe/build.sh). */
const BUILD_TIMEOUT_MS = 40 * 60_000;
let probe: string;
beforeAll(() => {
  probe = buildProbe();
}, BUILD_TIMEOUT_MS);

const flyctl = (inputs: readonly string[]) => parseWithFlyctl(probe, inputs);

/** Pieces that flyctl's parser reads specially: quotes of both kinds, #, """, newlines, spaces, =. */
const TOKENS = [
  '"',
  '"',
  '"',
  "'",
  "#",
  "#",
  '"""',
  '""',
  "\n",
  "\n",
  "\\",
  "$",
  "${X}",
  " ",
  "  ",
  "=",
  "a",
  "Z9",
  "é",
  "密",
  "😀",
  "\t",
  "`",
];
const awkward = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }).map((parts) => parts.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  // Any code unit: carriage returns, NUL and lone surrogates, which must be refused cleanly.
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
);
const secretsArb = fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), awkward, { minKeys: 1, maxKeys: 4 });

const RUNS = 6000;

function describeParse(result: FlyctlParse): string {
  return JSON.stringify(result);
}

describe("encodeSecretsForImport against flyctl's own parser", () => {
  it(`round-trips byte for byte or refuses cleanly (property, ${RUNS} secret maps)`, () => {
    const seed = Date.now();
    const samples = fc.sample(secretsArb, { numRuns: RUNS, seed });
    const encoded: { secrets: Record<string, string>; text: string }[] = [];
    const failures: string[] = [];
    for (const secrets of samples) {
      try {
        encoded.push({ secrets, text: encodeSecretsForImport(secrets) });
      } catch (error) {
        if (!(error instanceof UnencodableSecretError)) throw error;
        const named = Object.keys(secrets).find((name) => error.message.startsWith(`secret ${name}: `));
        if (!named) failures.push(`refusal names no key: ${error.message}`);
        for (const value of Object.values(secrets)) {
          if (value.length >= 8 && error.message.includes(value)) failures.push(`refusal echoes a value: ${error.message}`);
        }
      }
    }
    const parsed = flyctl(encoded.map((e) => e.text));
    encoded.forEach(({ secrets, text }, i) => {
      const got = parsed[i];
      const want = { secrets };
      if (!("secrets" in got) || JSON.stringify(Object.entries(got.secrets).sort()) !== JSON.stringify(Object.entries(secrets).sort())) {
        failures.push(`encoded ${JSON.stringify(text)} for ${JSON.stringify(want)}; flyctl read ${describeParse(got)}`);
      }
    });
    if (failures.length) throw new Error(`seed ${seed}: ${failures.length} failures, first 5:\n${failures.slice(0, 5).join("\n")}`);
    // Most maps hold a value worth refusing (the binary strings); the rest must be carried.
    expect(encoded.length).toBeGreaterThan(RUNS / 2);
  });

  it("accepts every single-line value (no CR, NUL or lone surrogate) and flyctl reads it back", () => {
    const values = fc.sample(
      fc.oneof(
        fc.array(fc.constantFrom(...TOKENS.filter((t) => t !== "\n")), { maxLength: 30 }).map((parts) => parts.join("")),
        fc.string({ unit: "grapheme", maxLength: 40 }).filter((v) => !/[\n\r\0]/.test(v)),
      ),
      { numRuns: 3000 },
    );
    const texts = values.map((value) => encodeSecretsForImport({ SECRET: value }));
    flyctl(texts).forEach((got, i) => expect([values[i], got]).toEqual([values[i], { secrets: { SECRET: values[i] } }]));
  });

  it.each([
    ["a password with an odd number of quotes before a #", 'Xy"9#kL'],
    ["a hash after an even number of quotes", 'a"b"#c'],
    ["a value that looks like an inline comment", "value #comment"],
    ["a leading hash", "# not a comment #"],
    ["single quotes around a hash", "'#'"],
    ["triple quotes on one line", '"""abc"""'],
    ["a value starting with two quotes", '""x'],
    ["a lone double quote", '"'],
    ["a lone single quote", "'"],
    ["quotes", `pa"ss'word"`],
    ["surrounding quotes", `"quoted"`],
    ["dollar and backticks", "$HOME $(id) `id` ${X}"],
    ["leading and trailing spaces", "  padded  "],
    ["equals", "a=b=c"],
    ["empty", ""],
    ["newlines", "line1\nline2\n\nline4"],
    ["trailing newline", "pem\n"],
    ["a hash on a later line", 'line1\nx"#y\nline3'],
    ["a hash on the first of several lines, after no quote", "pa#ss\nword"],
    ["a hash on the first of several lines, after two quotes", 'a"b"#c\nd'],
    ["a multi-line value ending in triple quotes", 'first\nlast"""'],
    ["unicode", "pässwörd ✓ 密码 😀"],
    ["a URL with an encoded password", "postgres://u:p%40ss@h:5432/db?sslmode=require"],
  ])("carries %s", (_what, value) => {
    const text = encodeSecretsForImport({ SECRET: value, OTHER: "x" });
    expect(flyctl([text])[0]).toEqual({ secrets: { SECRET: value, OTHER: "x" } });
    expect(parseSecrets(text)).toEqual({ SECRET: value, OTHER: "x" });
  });

  const INJECTION = 'Xy9"""\nDATABASE_URL=postgres://attacker:pw@evil.example.com:5432/postgres';
  it.each([
    ["carriage return", "a\rb", "carriage return"],
    ["NUL", "a\0b", "NUL"],
    ["a lone surrogate", "a\ud800b", "not valid Unicode"],
    ["a multi-line value whose first line ends in triple quotes", INJECTION, 'its first line ends in """'],
    ["a multi-line value whose first line has a # after an odd number of quotes", 'Xy"9#kL\nsecond', "a # after an odd number of"],
    ["an inner line ending in triple quotes", 'a\nb"""\nc', 'a line before its last ends in """'],
    ["a line over 64 KiB", "x".repeat(70000), "64 KiB"],
  ])("refuses %s, naming the key but not the value", (_what, value, why) => {
    let error: unknown;
    try {
      encodeSecretsForImport({ DB_PASSWORD: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnencodableSecretError);
    const message = (error as Error).message;
    expect(message).toMatch(/^secret DB_PASSWORD: /);
    expect(message).toContain(why);
    for (const part of value.split(/[\n\r\0]/)) if (part.length >= 4) expect(message).not.toContain(part);
  });

  it("the injection the encoder refuses is real: flyctl would set DATABASE_URL from the value", () => {
    expect(flyctl([`DB_PASSWORD="""${INJECTION}"""\n`])[0]).toMatchObject({
      secrets: { DB_PASSWORD: "Xy9", DATABASE_URL: 'postgres://attacker:pw@evil.example.com:5432/postgres"""' },
    });
  });

  it("a line of exactly 64 KiB - 1 bytes passes bufio.Scanner; one more byte is refused", () => {
    // bufio.MaxScanTokenSize is 64 KiB including the newline.
    const name = "BIG";
    const fits = "é".repeat(10) + "x".repeat(65535 - name.length - 1 - 2 - 20);
    const text = encodeSecretsForImport({ [name]: fits });
    expect(Buffer.byteLength(text.split("\n")[0])).toBe(65535);
    expect(flyctl([text])[0]).toEqual({ secrets: { [name]: fits } });
    expect(() => encodeSecretsForImport({ [name]: fits + "x" })).toThrow(/^secret BIG: .*64 KiB/);
  });

  it("refuses a bad name", () => {
    expect(() => encodeSecretsForImport({ "BAD NAME": "x" })).toThrow(/not a valid env var name/);
  });
});

describe("the flyctl double's parser", () => {
  /** The double's answer in the probe's terms. */
  function double(input: string): FlyctlParse {
    try {
      return { secrets: parseSecrets(input) };
    } catch (error) {
      if (error instanceof GoPanic) return { panic: error.message };
      return { error: (error as Error).message };
    }
  }
  const same = (a: FlyctlParse, b: FlyctlParse) =>
    "secrets" in a && "secrets" in b
      ? JSON.stringify(Object.entries(a.secrets).sort()) === JSON.stringify(Object.entries(b.secrets).sort())
      : JSON.stringify(a) === JSON.stringify(b);

  const LINE_TOKENS = [...TOKENS, "A=", "B =", " C= ", "A=", '="""', "'", "\r", "\n", "\n", "\n"];
  it("answers like flyctl's parser on raw input (property, 4000 inputs)", () => {
    const seed = Date.now();
    const inputs = fc.sample(
      fc.array(fc.constantFrom(...LINE_TOKENS), { maxLength: 40 }).map((parts) => parts.join("")),
      { numRuns: 4000, seed },
    );
    const real = flyctl(inputs);
    const mismatches = inputs.flatMap((input, i) =>
      same(double(input), real[i])
        ? []
        : [`${JSON.stringify(input)}: flyctl ${JSON.stringify(real[i])}, double ${JSON.stringify(double(input))}`],
    );
    if (mismatches.length) throw new Error(`seed ${seed}: ${mismatches.length} mismatches, first 5:\n${mismatches.slice(0, 5).join("\n")}`);
  });

  it.each([
    ["a line of 65535 bytes and its newline", `A=${"x".repeat(65533)}\nB=y\n`],
    ["a line of 65536 bytes and its newline", `A=${"x".repeat(65534)}\nB=y\n`],
    ["a last line of 65535 bytes without a newline", `B=y\nA=${"x".repeat(65533)}`],
    ["a last line of 65536 bytes without a newline", `B=y\nA=${"x".repeat(65534)}`],
    ["a lone single quote before a comment", "A='#x\n"],
    ["whitespace Go trims but JavaScript does not (U+0085)", "\u0085A\u0085=x\n"],
    ["whitespace JavaScript trims but Go does not (U+FEFF)", "\ufeffA=x\n"],
  ])("answers like flyctl for %s", (_what, input) => {
    expect(double(input)).toEqual(flyctl([input])[0]);
  });
});

describe("the probe build", () => {
  it("fails loudly, naming what is missing, when the flyctl sources are not there", () => {
    const run = spawnSync("bash", [join(__dirname, "../../testing/dotenv-probe/build.sh")], {
      env: { ...process.env, CHATWOOT_FLY_SOURCES: "/nonexistent/chatwoot-fly-sources" },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("the flyctl sources are missing");
    expect(run.stderr).toContain("CHATWOOT_FLY_SOURCES=/nonexistent/chatwoot-fly-sources");
  });
});
