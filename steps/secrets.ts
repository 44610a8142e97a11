/**
 * Stages the app's secrets with one `fly secrets import --stage` (values on stdin, never argv) and
 * unsets the keys this stack set before but no longer has. Staged values reach the machines with the
 * deploy that follows, so a change costs no restart of its own. Values set back after a change by
 * hand, with no deploy to follow, are applied at once instead (CHATWOOT_SECRETS_APPLY_NOW).
 */
import { APP_MISSING, ENV, type SecretDigests, type SecretsRecord } from "../lib/stepContract";
import { encodeSecretsForImport, importRevision, UnencodableSecretError } from "../lib/secretsImport";
import { jsonEnv, log, result, stepContext, type StepContext } from "./context";
import { StepError } from "./flyctl";

/** One row of `flyctl secrets list --json` (flyctl 0.4.87 internal/command/secrets/list.go, SecretWithStatus). */
interface ListedSecret {
  name: string;
  digest: string;
}

/** The secrets the stack set before; none when the variable is unset (the first import). */
function managedKeys(): string[] {
  // Stryker disable next-line ArrayDeclaration: only keys Fly lists are unset, and Stryker's filler is no valid secret name
  return process.env[ENV.managedSecrets] === undefined ? [] : jsonEnv<string[]>(ENV.managedSecrets);
}

const listArgs = (ctx: StepContext) => ["secrets", "list", "--app", ctx.app, "--json"];

/** Fly's digest of each listed secret, by name. */
const digestMap = (listed: ListedSecret[]) => new Map(listed.map((s) => [s.name, s.digest]));

/**
 * Fly's digest of each of the app's secrets. A failed listing fails the step: passing over it would
 * drop the stale keys from the record, and no later run would unset them; failed, the next run retries.
 */
async function flyDigests(ctx: StepContext): Promise<Map<string, string>> {
  return digestMap(await ctx.fly.json<ListedSecret[]>(listArgs(ctx)));
}

/** The digests of `keys` that Fly has. */
function digestsOf(all: Map<string, string>, keys: string[]): Record<string, string> {
  // Stryker disable next-line MethodExpression: the record is printed as JSON, which drops the undefined digests the filter keeps out
  return Object.fromEntries(keys.filter((key) => all.has(key)).map((key) => [key, all.get(key)!]));
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
  const applyNow = process.env[ENV.secretsApplyNow] === "1";
  await ctx.fly.ok(["secrets", "import", "--app", ctx.app, ...(applyNow ? [] : ["--stage"])], { stdin });
  const keys = Object.keys(values).sort();
  log(`${applyNow ? "applied" : "staged"} ${keys.length} secrets on ${ctx.app}: ${keys.join(", ")}`);
  const digests = await flyDigests(ctx);
  const stale = managedKeys()
    .filter((key) => !keys.includes(key) && digests.has(key))
    .sort();
  if (stale.length) {
    await ctx.fly.ok(["secrets", "unset", ...stale, "--app", ctx.app, "--stage"]);
    log(`unset secrets that left the config: ${stale.join(", ")}`);
  }
  // Same values, same revision: re-running this step (e.g. for a rotated Fly token) redeploys nothing.
  const record: SecretsRecord = { keys, revision: importRevision(stdin), digests: digestsOf(digests, keys) };
  result(record);
}

/** Fly's digest of each managed secret (CHATWOOT_MANAGED_SECRETS); changes nothing on Fly. */
export async function readSecrets(): Promise<void> {
  const ctx = stepContext();
  const keys = managedKeys();
  const listed = await ctx.fly.jsonOfApp<ListedSecret[]>(listArgs(ctx));
  if (listed === undefined) return result(APP_MISSING);
  const digests: SecretDigests = { digests: digestsOf(digestMap(listed), keys) };
  result(digests);
}
