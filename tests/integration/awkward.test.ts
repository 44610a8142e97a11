/**
 * Legal but awkward values end to end on the local target: a database password with quotes, `$`,
 * backticks, spaces, `#` and a newline, a secret env value with an odd number of quotes before a `#`, a FRONTEND_URL with a unicode path and an env value full of
 * shell syntax go through Pulumi config, the program, the secrets import, fly.toml and the machines,
 * and arrive byte for byte; the app logs in through PgBouncer with that password; no shell ever
 * expands them (a `$(touch ...)` in them leaves no file).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStack } from "../../testing/local/localStack";
import { IMAGE_OLD } from "../../testing/local/scenario";

jest.setTimeout(600_000);
if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

const dir = mkdtempSync(join(tmpdir(), "chatwoot-awkward-"));
/** A shell that expanded any value would create this file. */
const MARKER = join(dir, "expanded");
const PASSWORD = `it's "quoted" $HOME \`id\` $(touch ${MARKER}) #hash  two  spaces \\ and\na second line`;
// An odd number of `"` before the first `#`, where flyctl's secrets parser cuts an unquoted value
// (internal/command/secrets/parser.go): the import must encode it so that it arrives whole.
const ODD_QUOTES = `Xy"9#kL it's "$HOME" #2`;
const FRONTEND_URL = "http://localhost:3000/sûpport/ünïcode";
const SMTP_FROM = `Support <it's "us"> $(touch ${MARKER}); #1 & | > x`;

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

describe("awkward values end to end", () => {
  const stack = new LocalStack(join(dir, "state"), { databasePassword: PASSWORD });

  beforeAll(async () => {
    await stack.start();
    stack.writeConfig({ image: IMAGE_OLD, migrations: "direct", frontendUrl: FRONTEND_URL, extraEnv: { SMTP_FROM } });
    await stack.setSecret("secretEnv.SMTP_PASSWORD", ODD_QUOTES);
  });
  afterAll(async () => {
    await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("deploys, and every machine gets the values byte for byte", async () => {
    const up = await stack.up(true);
    if (up.code !== 0) throw new Error(`pulumi up failed:\n${up.stdout}\n${up.stderr}`);
    const machines = stack.machines().filter((m) => m.processGroup);
    expect(machines.map((m) => m.processGroup).sort()).toEqual(["web", "worker"]);
    for (const machine of machines) {
      const env = environOf(machine.pid!);
      expect(env.POSTGRES_PASSWORD).toBe(PASSWORD);
      expect(decodeURIComponent(new URL(env.DATABASE_URL).password)).toBe(PASSWORD);
      expect(env.FRONTEND_URL).toBe(FRONTEND_URL);
      expect(env.SMTP_FROM).toBe(SMTP_FROM);
      expect(env.SMTP_PASSWORD).toBe(ODD_QUOTES);
    }
  });

  it("the app logs in through the session pooler with that password", async () => {
    const api = await stack.getWeb("/api");
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toMatchObject({ data_services: "ok" });
  });

  it("no shell expanded a value", () => {
    expect(existsSync(MARKER)).toBe(false);
  });

  it("no secret reached the state, the outputs, a log, a command line or the fly.toml", async () => {
    expect(stack.secretValues).toEqual(expect.arrayContaining([PASSWORD, ODD_QUOTES]));
    expect(await stack.leaks()).toEqual([]);
  });
});
