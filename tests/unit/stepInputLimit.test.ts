/**
 * Step inputs travel as environment variables, which Linux caps at MAX_ARG_STRLEN each: a config whose
 * generated fly.toml or secretEnv would pass that is refused at the edge (config and checker), exactly
 * at the limit, and the constant is the kernel's own (a process gets the largest accepted input, and
 * not one byte more).
 */
import { spawnSync } from "node:child_process";
import { stringify } from "yaml";
import { validatePlain } from "../../lib/config/validate";
import { buildPlan } from "../../lib/plan";
import { SECRET_ENV_MAX_BYTES, secretEnvIssues } from "../../lib/secretEnv";
import { ENV, envStringBytes, MAX_ENV_STRING_BYTES } from "../../lib/stepContract";
import { checkStackText, exitCode } from "../../tools/check/checkStack";
import { stagingWith, validConfig } from "../support/configs";

const withBig = (length: number) => stagingWith({ rails: { extraEnv: { LARGE_BANNER: "b".repeat(length) } } });
const tomlBytes = (length: number) => envStringBytes(ENV.flyToml, buildPlan(validConfig(withBig(0))).flyToml) + length;
/** The longest LARGE_BANNER whose fly.toml still fits (each "b" is one byte in TOML). */
const longest = MAX_ENV_STRING_BYTES - tomlBytes(0);

describe("rails.extraEnv against the deploy step's input limit", () => {
  it("accepts the fly.toml that fits exactly, and refuses one byte more, naming the key, the variable and the fix", () => {
    expect(validatePlain(withBig(longest)).issues).toEqual([]);
    const { config, issues } = validatePlain(withBig(longest + 1));
    expect(config).toBeUndefined();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      key: "chatwoot:rails.extraEnv",
      message: expect.stringContaining("over the 128.0 KiB Linux allows one environment variable (MAX_ARG_STRLEN)"),
      found: expect.stringMatching(/^largest: LARGE_BANNER \(\d+\.\d KiB\)$/),
      fix: expect.stringContaining("shorten or remove those values by 0.0 KiB or more"),
    });
    expect(JSON.stringify(issues)).not.toContain("bbbb");
  });

  it("names the three largest values, largest first, and how much to cut", () => {
    const kb = 1024;
    const extraEnv = {
      A_SMALL: "a".repeat(10 * kb),
      B_HUGE: "b".repeat(60 * kb),
      C_LARGE: "c".repeat(40 * kb),
      D_MEDIUM: "d".repeat(30 * kb),
    };
    const [issue] = validatePlain(stagingWith({ rails: { extraEnv } })).issues;
    // The file with one empty LARGE_BANNER, that line swapped for the four lines of [env]
    const line = (name: string, value: string) => `  ${name} = "${value}"\n`.length;
    const bytes = tomlBytes(0) - line("LARGE_BANNER", "") + Object.entries(extraEnv).reduce((n, [k, v]) => n + line(k, v), 0);
    const over = bytes - MAX_ENV_STRING_BYTES;
    expect(issue.found).toBe("largest: B_HUGE (60.0 KiB), C_LARGE (40.0 KiB), D_MEDIUM (30.0 KiB)");
    expect(issue.fix).toBe(
      `shorten or remove those values by ${(over / kb).toFixed(1)} KiB or more; data that large belongs in the image or a bucket, not in env`,
    );
  });

  it("counts escaped bytes: a value of quotes grows twofold in TOML", () => {
    // Half the longest plain value, and a little: over only because each quote is escaped.
    const quotes = '"'.repeat(Math.ceil(longest / 2) + 8);
    expect(validatePlain(stagingWith({ rails: { extraEnv: { QUOTES: quotes } } })).issues.map((i) => i.key)).toEqual([
      "chatwoot:rails.extraEnv",
    ]);
  });

  it("the checker refuses the stack file too (exit 1), before anything runs", () => {
    const file = stringify({ config: Object.fromEntries(Object.entries(withBig(130 * 1024)).map(([k, v]) => [`chatwoot:${k}`, v])) });
    const result = checkStackText(file);
    expect(exitCode(result)).toBe(1);
    expect(result.issues.map((i) => i.key)).toContain("chatwoot:rails.extraEnv");
  });

  it("the limit is the kernel's: the largest accepted fly.toml reaches a process, one byte more is E2BIG", () => {
    const spawnWith = (toml: string) =>
      spawnSync(process.execPath, ["-e", `process.stdout.write(String(process.env.${ENV.flyToml}.length))`], {
        env: { PATH: process.env.PATH, [ENV.flyToml]: toml },
        encoding: "utf8",
      });
    const fits = buildPlan(validConfig(withBig(longest))).flyToml;
    expect(envStringBytes(ENV.flyToml, fits)).toBe(MAX_ENV_STRING_BYTES);
    expect(spawnWith(fits).stdout).toBe(String(fits.length));
    expect((spawnWith(`${fits}b`).error as NodeJS.ErrnoException | undefined)?.code).toBe("E2BIG");
  });
});

describe("secretEnv against the secrets step's input limit", () => {
  const config = validConfig(stagingWith({}));
  // JSON of {"K":"..."}: 8 bytes around the value.
  const secretEnvOf = (bytes: number) => ({ K: "s".repeat(bytes - 8) });

  it("accepts its share exactly and refuses one byte more, without showing a value", () => {
    expect(secretEnvIssues(config, secretEnvOf(SECRET_ENV_MAX_BYTES))).toEqual([]);
    const issues = secretEnvIssues(config, secretEnvOf(SECRET_ENV_MAX_BYTES + 1));
    expect(issues.map((i) => i.key)).toEqual(["chatwoot:secretEnv"]);
    expect(issues[0].message).toContain(`holds ${SECRET_ENV_MAX_BYTES + 1} bytes as JSON, over its ${SECRET_ENV_MAX_BYTES}`);
    expect(issues[0].fix).toBe("shorten or remove the largest values; a secret that large belongs in a bucket the app reads, not in env");
    expect(JSON.stringify(issues)).not.toContain("ssss");
  });
});
