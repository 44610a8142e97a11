import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUPABASE_LIMITS_SOURCE } from "../../lib/supabaseLimits";
import { checkStackText, exitCode, formatResult } from "../../tools/check/checkStack";
import { REPO, STAGING_FIXTURE } from "../support/configs";

const staging = readFileSync(STAGING_FIXTURE, "utf8");
const incident = staging.replace("migrations: direct", "migrations: session");

function cli(args: string[]): { status: number; stdout: string } {
  try {
    return {
      status: 0,
      stdout: execFileSync("node", ["-r", "ts-node/register/transpile-only", "tools/check/cli.ts", ...args], {
        cwd: REPO,
        encoding: "utf8",
      }),
    };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { status: e.status, stdout: e.stdout };
  }
}

describe("config checker", () => {
  it("passes the shipped staging stack with advisories and notes for unset secrets", () => {
    const result = checkStackText(staging);
    expect(exitCode(result)).toBe(0);
    expect(result.unsetCredentials.map((i) => i.key)).toEqual([
      "chatwoot:redisUrl",
      "chatwoot:databasePassword",
      "chatwoot:storageAccessKeyId",
      "chatwoot:storageSecretAccessKey",
    ]);
    expect(result.verdicts.every((v) => v.enforcement === "advisory")).toBe(true);
  });

  it("rejects the incident configuration with the policy's message", () => {
    const result = checkStackText(incident);
    expect(exitCode(result)).toBe(1);
    expect(result.verdicts.find((v) => v.rule === "session-pool-capacity")?.message).toContain("peaks at 16 clients but pool_size is 15");
  });

  it("rejects a broken config naming the key, and a plaintext secret without printing it", () => {
    const broken = staging.replace("memoryMb: 2048", "memoryMb: 1000") + "  chatwoot:redisUrl: redis://:plaintextpw@redis:6379\n";
    const result = checkStackText(broken);
    expect(exitCode(result)).toBe(1);
    const keys = result.issues.map((i) => i.key);
    expect(keys).toContain("chatwoot:processes.web.memoryMb");
    expect(keys).toContain("chatwoot:redisUrl");
    expect(JSON.stringify(result)).not.toContain("plaintextpw");
  });

  it("reads chatwoot:constructor and chatwoot:__proto__ as unknown plain keys, never as credentials", () => {
    const text = staging + "  chatwoot:constructor: x\n  chatwoot:__proto__:\n    secure: v1:abc\n";
    const result = checkStackText(text);
    expect(exitCode(result)).toBe(1);
    expect(result.issues).toEqual([
      expect.objectContaining({ key: "chatwoot:__proto__", message: expect.stringContaining("must be plain") }),
      expect.objectContaining({ key: "chatwoot:constructor", message: "unknown key" }),
    ]);
  });

  it("prints each pool's figures and where its limit comes from", () => {
    expect(formatResult("s.yaml", checkStackText(incident))).toContain(
      `  session aws-0-us-east-1.pooler.supabase.com:5432 user=postgres.hotdashstagingref0 db=postgres: peak 16 / limit 15 (steady 15, migration phase 16, rollout phase 15); limit: pool_size from Supabase micro compute (${SUPABASE_LIMITS_SOURCE})`,
    );
  });

  it("accepts encrypted secrets as set", () => {
    const withSecrets =
      staging +
      ["redisUrl", "databasePassword", "storageAccessKeyId", "storageSecretAccessKey"]
        .map((k) => `  chatwoot:${k}:\n    secure: v1:abc\n`)
        .join("");
    expect(checkStackText(withSecrets).unsetCredentials).toEqual([]);
  });

  it("reports invalid YAML and a file without config", () => {
    expect(checkStackText("config: [").issues[0].message).toContain("not valid YAML");
    expect(checkStackText("name: x").issues[0].message).toContain("no `config:` map");
  });

  it("CLI: human output and exit codes, --json for machines", () => {
    const dir = mkdtempSync(join(tmpdir(), "check-"));
    writeFileSync(join(dir, "Pulumi.incident.yaml"), incident);
    const ok = cli([STAGING_FIXTURE]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("staging.yaml: OK");
    const bad = cli(["--json", join(dir, "Pulumi.incident.yaml")]);
    expect(bad.status).toBe(1);
    const [report] = JSON.parse(bad.stdout);
    expect(report.ok).toBe(false);
    expect(report.verdicts.map((v: { rule: string }) => v.rule)).toContain("session-pool-capacity");
    expect(report.budget[0]).toMatchObject({ kind: "session", peak: 16, limit: 15 });
  });
});
