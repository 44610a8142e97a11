/**
 * AppSecrets (lib/flyResources.ts): check splits the program's one secret map into one secret per key
 * and computes the revision; read is Fly's digest of each managed secret (steps/secrets.ts
 * `read-secrets`); create and update are the `import-secrets` step; delete leaves the secrets, as the
 * Command it replaces did (a kept app keeps them, a destroyed one takes them along).
 */
import { diffAppSecrets, setsBackHandChanges, type AppSecretsInputs } from "../lib/flyDiff";
import { CHANGED_ON_FLY, type AppSecretsProps } from "../lib/flyResources";
import { secretsRevision, UnencodableSecretError } from "../lib/secretsImport";
import { accessEnv, ENV, type SecretDigests, type SecretsRecord } from "../lib/stepContract";
import { commandState } from "./commandState";
import { isUnknown, ownProps, plain, toState, type Props } from "./props";
import { readable, type Progress, type ResourceHandler } from "./resource";
import { readOnFly, runStepProcess } from "./stepProcess";

/** The state, or undefined for a state the Command this resource replaces wrote (no `values`). */
const stateOf = (raw: Props) => ownProps<AppSecretsProps>(raw, "values", "object");

/** The keys the Command this resource replaces set: its last result names them. */
function managedByCommand(olds: Props | undefined): string[] {
  const keys = olds === undefined ? undefined : (commandState(olds)?.result as Partial<SecretsRecord> | undefined)?.keys;
  return Array.isArray(keys) ? keys : [];
}

function inputsOf(raw: Props): AppSecretsInputs {
  const { values, ...rest } = plain(raw);
  return { ...(rest as unknown as AppSecretsInputs), values: isUnknown(raw.values) ? undefined : (values as Record<string, string>) };
}

async function put(olds: Props | undefined, raw: Props, progress: Progress): Promise<Props> {
  const news = plain(raw) as unknown as AppSecretsProps;
  const previous = olds === undefined ? undefined : stateOf(olds);
  const managed = previous ? Object.keys(previous.values) : managedByCommand(olds);
  const applyNow = setsBackHandChanges(previous, news);
  const record = await runStepProcess<SecretsRecord>(
    "import-secrets",
    {
      ...accessEnv(news),
      [ENV.secrets]: JSON.stringify(news.values),
      [ENV.managedSecrets]: JSON.stringify(managed),
      ...(applyNow ? { [ENV.secretsApplyNow]: "1" } : {}),
    },
    progress,
  );
  return toState({ ...news, revision: record.revision, digests: record.digests });
}

export const appSecrets: ResourceHandler = {
  check(news) {
    if (isUnknown(news.values)) return { inputs: news };
    const values = plain(news).values as Record<string, string>;
    try {
      return { inputs: toState({ ...(plain(news) as unknown as AppSecretsProps), values, revision: secretsRevision(values) }) };
    } catch (error) {
      if (error instanceof UnencodableSecretError) return { inputs: news, failures: [{ property: "values", reason: error.message }] };
      throw error;
    }
  },
  diff: (olds, news) => diffAppSecrets(stateOf(olds), inputsOf(news)),
  create: (news, progress) => put(undefined, news, progress),
  update: (olds, news, progress) => put(olds, news, progress),
  async read(raw, progress) {
    const state = readable(stateOf(raw), "AppSecrets");
    const observed = await readOnFly<SecretDigests>(
      "read-secrets",
      { ...accessEnv(state), [ENV.managedSecrets]: JSON.stringify(Object.keys(state.values)) },
      progress,
    );
    if (observed === undefined) return undefined;
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(state.values)) {
      const digest = observed.digests[key];
      if (digest !== undefined) values[key] = digest === state.digests[key] ? value : CHANGED_ON_FLY;
    }
    // The digests stay those of the last import; the program never gives any, so they are no input.
    return { props: toState({ ...state, values }), inputs: toState({ ...state, values, digests: undefined }) };
  },
  delete: async () => undefined,
};
