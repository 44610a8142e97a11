/**
 * Offline check of a stack file: schema errors and the policy verdicts of the connection budget,
 * without the passphrase and without the Pulumi CLI. Secret values stay encrypted: only their presence
 * and their storage (encrypted or not) are checked.
 */
import { parse as parseYaml } from "yaml";
import { ConfigError, type ConfigIssue } from "../../lib/config/issues";
import { missingCredentials, splitEntries, validatePlain, type RawEntry } from "../../lib/config/validate";
import { buildPlan, type DeploymentPlan } from "../../lib/plan";
import { evaluatePlan, type Verdict } from "../../lib/rules";

export interface CheckResult {
  issues: ConfigIssue[];
  /** Secrets not set in the file yet: `pulumi up` needs them, the budget does not. */
  unsetCredentials: ConfigIssue[];
  verdicts: Verdict[];
  plan?: DeploymentPlan;
}

/** A value Pulumi stored encrypted looks like `{ secure: "v1:..." }` in the stack file. */
function isEncrypted(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if ("secure" in value && Object.keys(value).length === 1) return true;
  // A map set with `pulumi config set --secret --path` (chatwoot:secretEnv) keeps one `{ secure }` per
  // entry: it is secret only when every entry is (a plaintext entry is a credential in the stack file).
  const entries = Object.values(value);
  return entries.length > 0 && entries.every(isEncrypted);
}

export function checkStackText(text: string, file = "stack file"): CheckResult {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return {
      issues: [{ key: file, message: `is not valid YAML (${(error as Error).message.split("\n")[0]})`, fix: "fix the YAML syntax" }],
      unsetCredentials: [],
      verdicts: [],
    };
  }
  const config = (doc as { config?: Record<string, unknown> } | null)?.config;
  if (typeof config !== "object" || config === null) {
    return {
      issues: [{ key: file, message: "has no `config:` map", fix: "add the chatwoot:* keys under config:" }],
      unsetCredentials: [],
      verdicts: [],
    };
  }
  // Without a prototype, so that no key of the file (`__proto__` included) is anything but an entry.
  const entries: Record<string, RawEntry> = Object.create(null);
  for (const [key, value] of Object.entries(config)) entries[key] = { value, secret: isEncrypted(value) };
  const { plain, credentials, issues } = splitEntries(entries);
  const validated = validatePlain(plain);
  issues.push(...validated.issues);
  if (!validated.config) return { issues, unsetCredentials: [], verdicts: [] };
  const plan = buildPlan(validated.config);
  return { issues, unsetCredentials: missingCredentials(validated.config, credentials), verdicts: evaluatePlan(plan), plan };
}

/** Exit status: 1 on a schema error or a mandatory violation, 0 otherwise (advisories only warn). */
export function exitCode(result: CheckResult): number {
  return result.issues.length || result.verdicts.some((v) => v.enforcement === "mandatory") ? 1 : 0;
}

export function formatResult(file: string, result: CheckResult): string {
  const lines: string[] = [];
  if (result.issues.length)
    lines.push(new ConfigError(result.issues).message.replace("invalid stack config", `${file}: invalid stack config`));
  if (result.plan) {
    lines.push(`${file}: connection budget`);
    for (const pool of result.plan.budget) {
      lines.push(
        `  ${pool.key}: peak ${pool.peak} / limit ${pool.limit} (steady ${pool.steady}, migration phase ${pool.migrationPhase}, rollout phase ${pool.rolloutPhase}); limit: ${pool.limitSource}`,
      );
    }
  }
  for (const unset of result.unsetCredentials) lines.push(`note: ${unset.key} is not set in this file yet (${unset.fix})`);
  for (const verdict of result.verdicts)
    lines.push(`${verdict.enforcement === "mandatory" ? "ERROR" : "warning"} [${verdict.rule}] ${verdict.message}`);
  lines.push(exitCode(result) === 0 ? `${file}: OK` : `${file}: FAILED`);
  return lines.join("\n");
}
