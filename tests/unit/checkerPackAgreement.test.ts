/**
 * The config checker (`npm run check`) and `pulumi preview --policy-pack policies` give the same verdict
 * on every bad config of the tests: the checker on the stack file; the preview as the engine runs it,
 * the program (which refuses a bad config before registering anything) and then every policy of the
 * pack on every resource the program registered (the program under pulumi.runtime.setMocks, the
 * policies driven without the engine as in policies.test.ts).
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { stringify } from "yaml";
import { PACK_POLICIES } from "../../policies/pack";
import { checkStackText, exitCode, formatResult } from "../../tools/check/checkStack";
import { BAD_CONFIGS, CREDENTIAL_CONFIGS } from "../support/badConfigs";
import { incidentRaw, stagingRaw, stagingWith } from "../support/configs";
import { engineConfig, runProgramUnderMocks, settled, type Registered } from "../support/programUnderMocks";

/** Secrets every run sets; the checker sees them encrypted, the program as the engine hands them. */
const SECRETS: Record<string, string> = {
  databasePassword: "agree-db-pw",
  redisUrl: "rediss://default:agree-redis-pw@redis.internal:6379",
  flyApiToken: "FlyV1 fm2_agree-token-abcdefghijklmnop",
  storageAccessKeyId: "tid_agree-key-id",
  storageSecretAccessKey: "tsec_agree-secret-key",
};

interface Verdict {
  refused: boolean;
  /** Everything the tool printed about the config. */
  text: string;
}

function checker(plain: Record<string, unknown>): Verdict {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plain)) config[`chatwoot:${key}`] = value;
  for (const key of Object.keys(SECRETS)) config[`chatwoot:${key}`] = { secure: "v1:AAAA" };
  const result = checkStackText(stringify({ config }));
  return { refused: exitCode(result) !== 0, text: `${formatResult("Pulumi.test.yaml", result)}\n${JSON.stringify(result)}` };
}

/** The program under mocks: what it registered, or the error it stopped with. */
async function runProgram(plain: Record<string, unknown>): Promise<{ registered: Registered[]; failure?: Error }> {
  const run = await runProgramUnderMocks(
    engineConfig(plain, SECRETS),
    Object.keys(SECRETS).map((k) => `chatwoot:${k}`),
  );
  if (run.failure) return { registered: run.registered, failure: run.failure as Error };
  await settled(run);
  await new Promise((r) => setTimeout(r, 20));
  return { registered: run.registered };
}

async function preview(plain: Record<string, unknown>): Promise<Verdict> {
  const { registered, failure } = await runProgram(plain);
  if (failure) return { refused: true, text: failure.message };
  const mandatory: string[] = [];
  const all: string[] = [];
  for (const resource of registered) {
    for (const policy of PACK_POLICIES) {
      const validate = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
      const args = { type: resource.type, name: resource.name, props: resource.inputs, urn: "", opts: {}, getConfig: () => ({}) };
      validate(args as unknown as ResourceValidationArgs, (message) => {
        all.push(`[${policy.name}] ${message}`);
        if (policy.enforcementLevel === "mandatory") mandatory.push(message);
      });
    }
  }
  if (!registered.some((r) => r.type === "chatwoot:index:ChatwootDeployment" && r.inputs.plan)) {
    throw new Error("the Deployment component carried no plan: the pack would check nothing");
  }
  return { refused: mandatory.length > 0, text: all.join("\n") };
}

const TIMEOUT = 120_000;

describe("the checker and the policy pack agree", () => {
  it(
    "on the staging stack (both accept) and on the incident (both refuse)",
    async () => {
      expect([checker(stagingRaw()).refused, (await preview(stagingRaw())).refused]).toEqual([false, false]);
      const incident = [checker(incidentRaw()), await preview(incidentRaw())];
      expect(incident.map((v) => v.refused)).toEqual([true, true]);
      for (const v of incident) expect(v.text).toContain("peaks at 16 clients but pool_size is 15");
    },
    TIMEOUT,
  );

  it.each(CREDENTIAL_CONFIGS)(
    "on %s: both refuse, name the key, never print the credential",
    async (_what, patch, key, fragment, credential) => {
      const raw = stagingWith(patch);
      const [check, pack] = [checker(raw), await preview(raw)];
      expect({ checker: check.refused, pack: pack.refused }).toEqual({ checker: true, pack: true });
      for (const verdict of [check, pack]) {
        expect(verdict.text).toContain(key);
        expect(verdict.text).toContain(fragment);
        expect(verdict.text).not.toContain(credential);
      }
    },
    TIMEOUT,
  );

  it.each(BAD_CONFIGS)(
    "on %s: both refuse, naming the key",
    async (_what, patch, key) => {
      const raw = stagingWith(patch);
      const [check, pack] = [checker(raw), await preview(raw)];
      expect({ checker: check.refused, pack: pack.refused }).toEqual({ checker: true, pack: true });
      expect(check.text).toContain(key);
      expect(pack.text).toContain(key);
    },
    TIMEOUT,
  );
});
