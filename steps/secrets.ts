/**
 * Stages the app's secrets with one `fly secrets import --stage` (values on stdin, never argv) and
 * unsets the keys this stack set before but no longer has. Staged values reach the machines with the
 * deploy that follows, so a change costs no restart of its own.
 */
import { createHash } from "node:crypto";
import { ENV, type SecretsRecord } from "../lib/stepContract";
import { encodeSecretsForImport, UnencodableSecretError } from "../lib/secretsImport";
import { jsonEnv, log, result, stepContext } from "./context";
import { StepError } from "./flyctl";

/** One row of `flyctl secrets list --json` (flyctl 0.4.87 internal/command/secrets/list.go, SecretWithStatus). */
interface ListedSecret {
  name: string;
}

function previousKeys(): string[] {
  try {
    const previous = JSON.parse(process.env.PULUMI_COMMAND_STDOUT ?? "") as SecretsRecord;
    // Stryker disable next-line ArrayDeclaration: only keys the app has are unset (existingKeys), and no secret is named like Stryker's filler
    return Array.isArray(previous.keys) ? previous.keys : [];
  } catch {
    // Stryker disable next-line ArrayDeclaration: only keys the app has are unset (existingKeys): no secret is named like the filler
    return [];
  }
}

/**
 * Names of the app's secrets. A failed listing fails the step: passing over it would drop the stale
 * keys from the record, and no later run would unset them; failed, the next run retries with them.
 */
async function existingKeys(ctx: ReturnType<typeof stepContext>): Promise<Set<string>> {
  return new Set((await ctx.fly.json<ListedSecret[]>(["secrets", "list", "--app", ctx.app, "--json"])).map((s) => s.name));
}

export async function importSecrets(): Promise<void> {
  const values = jsonEnv<Record<string, string>>(ENV.secrets);
  const ctx = stepContext(Object.values(values));
  let stdin: string;
  try {
    stdin = encodeSecretsForImport(values);
  } catch (error) {
    if (error instanceof UnencodableSecretError) throw new StepError(error.message);
    throw error;
  }
  await ctx.fly.ok(["secrets", "import", "--app", ctx.app, "--stage"], { stdin });
  const keys = Object.keys(values).sort();
  log(`staged ${keys.length} secrets on ${ctx.app}: ${keys.join(", ")}`);
  const existing = await existingKeys(ctx);
  const stale = previousKeys().filter((key) => !keys.includes(key) && existing.has(key));
  if (stale.length) {
    await ctx.fly.ok(["secrets", "unset", ...stale, "--app", ctx.app, "--stage"]);
    log(`unset secrets that left the config: ${stale.join(", ")}`);
  }
  // Same values, same revision: re-running this step (e.g. for a rotated Fly token) redeploys nothing.
  const record: SecretsRecord = { keys, revision: createHash("sha256").update(stdin).digest("hex") };
  result(record);
}
