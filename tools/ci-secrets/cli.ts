/**
 * `npm run ci-secrets -- --stack <name> [--config-file <file>]`: writes the stack's credentials from CI's environment
 * variables (lib/config/ciSecrets.ts names them) into the stack config, each with
 * `pulumi config set --secret --raw` and its value on stdin, so no value reaches argv or the log.
 * Prints which keys it set and which variables were empty; nothing is written when one is malformed.
 */
import { spawnSync } from "node:child_process";
import { CI_SECRET_KEYS, ciSecretVariable, ciSecretWrites } from "../../lib/config/ciSecrets";
import { formatIssue } from "../../lib/config/issues";

const USAGE = "usage: npm run ci-secrets -- --stack <name> [--config-file <file>]   (in the project directory)\n";

/** `--flag value` pairs; anything else is a usage error. */
function parseArgs(argv: string[]): { stack: string; configFile?: string } | undefined {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--stack", "--config-file"].includes(flag) || !value || value.startsWith("--")) return undefined;
    flags[flag] = value;
  }
  return flags["--stack"] ? { stack: flags["--stack"], configFile: flags["--config-file"] } : undefined;
}

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (!args) {
    process.stderr.write(USAGE);
    return 2;
  }
  const target = ["--stack", args.stack, ...(args.configFile ? ["--config-file", args.configFile] : [])];
  const { writes, issues } = ciSecretWrites(process.env);
  if (issues.length > 0) {
    for (const issue of issues) process.stderr.write(`ci-secrets: ${formatIssue(issue)}\n`);
    return 1;
  }
  for (const write of writes) {
    const set = spawnSync("pulumi", ["config", "set", "--secret", "--raw", "--path", ...target, write.key], {
      input: write.value,
      encoding: "utf8",
      stdio: ["pipe", "inherit", "pipe"],
    });
    if (set.status !== 0) {
      const why = set.error ? set.error.message : (set.stderr ?? "").trim();
      process.stderr.write(`ci-secrets: pulumi config set ${write.key} (from ${write.from}) failed: ${why}\n`);
      return 1;
    }
    process.stdout.write(`ci-secrets: ${write.key} set from ${write.from} (secret)\n`);
  }
  const empty = CI_SECRET_KEYS.map(ciSecretVariable).filter((name) => !process.env[name]);
  if (empty.length > 0) process.stdout.write(`ci-secrets: not set, the stack's own values stand: ${empty.join(", ")}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
