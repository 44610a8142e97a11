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
    return Array.isArray(previous.keys) ? previous.keys : [];
  } catch {
    return [];
  }
}

/** Names of the app's secrets, or undefined when flyctl cannot list them (e.g. the app is gone). */
async function existingKeys(ctx: ReturnType<typeof stepContext>): Promise<Set<string> | undefined> {
  const listed = await ctx.fly.run(["secrets", "list", "--app", ctx.app, "--json"]);
  if (listed.code !== 0) return undefined;
  return new Set((JSON.parse(listed.stdout) as ListedSecret[]).map((s) => s.name));
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
  const stale = previousKeys().filter((key) => !keys.includes(key) && existing?.has(key));
  if (stale.length) {
    await ctx.fly.ok(["secrets", "unset", ...stale, "--app", ctx.app, "--stage"]);
    log(`unset secrets that left the config: ${stale.join(", ")}`);
  }
  // Same values, same revision: re-running this step (e.g. for a rotated Fly token) redeploys nothing.
  const record: SecretsRecord = { keys, revision: createHash("sha256").update(stdin).digest("hex") };
  result(record);
}

export async function unsetSecrets(): Promise<void> {
  const ctx = stepContext();
  const existing = await existingKeys(ctx);
  if (!existing) {
    log(`app ${ctx.app} has no secrets to unset (it is gone or unreachable)`);
    return;
  }
  const keys = previousKeys().filter((key) => existing.has(key));
  if (keys.length) await ctx.fly.ok(["secrets", "unset", ...keys, "--app", ctx.app, "--stage"]);
  log(`unset ${keys.length} secrets on ${ctx.app}`);
}
