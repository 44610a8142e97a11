/** Durable attachments: storage config -> Chatwoot's env, the checks of bad input, and the mandatory policy. */
import { parse } from "smol-toml";
import { splitEntries, validatePlain, missingCredentials } from "../../lib/config/validate";
import { attachmentsOffMachineDisk, evaluatePlan } from "../../lib/rules";
import { planPolicies } from "../../policies/planPolicies";
import { planOf, stagingWith, validConfig } from "../support/configs";

const TIGRIS = {
  service: "s3_compatible",
  bucket: "hotdash-chatwoot-attachments",
  endpoint: "https://fly.storage.tigris.dev",
  region: "auto",
};
const SUPABASE = {
  service: "s3_compatible",
  bucket: "chatwoot-attachments",
  endpoint: "https://hotdashstagingref0.supabase.co/storage/v1/s3",
  region: "us-east-1",
  forcePathStyle: true,
};

const envOf = (storage: Record<string, unknown>) =>
  (parse(planOf(stagingWith({ storage })).flyToml) as unknown as { env: Record<string, string> }).env;

describe("attachments in a bucket", () => {
  it("sets ACTIVE_STORAGE_SERVICE and Chatwoot's STORAGE_* names (config/storage.yml s3_compatible) in [env], never the keys", () => {
    expect(envOf(TIGRIS)).toMatchObject({
      ACTIVE_STORAGE_SERVICE: "s3_compatible",
      STORAGE_BUCKET_NAME: "hotdash-chatwoot-attachments",
      STORAGE_ENDPOINT: "https://fly.storage.tigris.dev",
      STORAGE_REGION: "auto",
      STORAGE_FORCE_PATH_STYLE: "false",
    });
    expect(envOf(SUPABASE)).toMatchObject({ STORAGE_REGION: "us-east-1", STORAGE_FORCE_PATH_STYLE: "true" });
    for (const env of [envOf(TIGRIS), envOf(SUPABASE)]) {
      expect(env).not.toHaveProperty("STORAGE_ACCESS_KEY_ID");
      expect(env).not.toHaveProperty("STORAGE_SECRET_ACCESS_KEY");
    }
  });

  it("says local out loud when it is local", () => {
    expect(envOf({ service: "local" })).toMatchObject({ ACTIVE_STORAGE_SERVICE: "local" });
    expect(envOf({ service: "local" })).not.toHaveProperty("STORAGE_ENDPOINT");
  });

  it("accepts plain http only to this machine (the local S3 server)", () => {
    expect(validatePlain(stagingWith({ storage: { ...TIGRIS, endpoint: "http://127.0.0.1:7070" } })).issues).toEqual([]);
  });

  it.each([
    [
      "an http endpoint on a public host",
      { ...TIGRIS, endpoint: "http://fly.storage.tigris.dev" },
      "chatwoot:storage.endpoint",
      "must be https",
    ],
    ["a missing bucket", { ...TIGRIS, bucket: undefined }, "chatwoot:storage.bucket", "required for storage.service s3_compatible"],
    ["a missing endpoint", { ...TIGRIS, endpoint: undefined }, "chatwoot:storage.endpoint", "required for storage.service s3_compatible"],
    ["a bucket name S3 refuses", { ...TIGRIS, bucket: "Attachments_2026" }, "chatwoot:storage.bucket", "S3 bucket name"],
    [
      "the secret key as a plain value",
      { ...TIGRIS, secretAccessKey: "tsec_abcdef" },
      "chatwoot:storage.secretAccessKey",
      "accepted only as a secret",
    ],
    ["the key id as a plain value", { ...TIGRIS, accessKeyId: "tid_abcdef" }, "chatwoot:storage.accessKeyId", "accepted only as a secret"],
  ])("rejects %s, naming the key", (_what, storage, key, fragment) => {
    const { config, issues } = validatePlain(stagingWith({ storage }));
    expect(config).toBeUndefined();
    expect(issues).toContainEqual(expect.objectContaining({ key, message: expect.stringContaining(fragment) }));
    expect(JSON.stringify(issues)).not.toContain("tsec_abcdef");
  });

  it("refuses the keys stored in plaintext and requires both as secrets", () => {
    const split = splitEntries({ "chatwoot:storageSecretAccessKey": { value: "tsec_abcdef", secret: false } });
    expect(split.issues).toEqual([
      expect.objectContaining({ key: "chatwoot:storageSecretAccessKey", message: expect.stringContaining("plaintext") }),
    ]);
    const config = validConfig(stagingWith({ storage: TIGRIS }));
    expect(missingCredentials(config, { redisUrl: "r", databasePassword: "p" }).map((i) => i.key)).toEqual([
      "chatwoot:storageAccessKeyId",
      "chatwoot:storageSecretAccessKey",
    ]);
    const local = validConfig(stagingWith({ storage: { service: "local" } }));
    expect(missingCredentials(local, { redisUrl: "r", databasePassword: "p" })).toEqual([]);
  });

  it("keeps ACTIVE_STORAGE_SERVICE and STORAGE_* out of rails.extraEnv", () => {
    const { issues } = validatePlain(stagingWith({ rails: { extraEnv: { ACTIVE_STORAGE_SERVICE: "local", STORAGE_ENDPOINT: "x" } } }));
    expect(issues.map((i) => i.key)).toEqual([
      "chatwoot:rails.extraEnv.ACTIVE_STORAGE_SERVICE",
      "chatwoot:rails.extraEnv.STORAGE_ENDPOINT",
    ]);
  });
});

describe("attachments-off-machine-disk", () => {
  it("is a mandatory policy of the pack, lowerable by name with --policy-pack-config", () => {
    const policy = planPolicies.find((p) => p.name === "attachments-off-machine-disk");
    expect(policy?.enforcementLevel).toBe("mandatory");
  });

  it("refuses local storage on Fly machines, naming the fix", () => {
    const plan = planOf(stagingWith({ storage: { service: "local" } }));
    const [message] = attachmentsOffMachineDisk.check(plan);
    expect(message).toContain("which every deploy, restart and scale replaces");
    expect(message).toContain("pulumi config set --path chatwoot:storage.service s3_compatible");
    expect(message).toContain("chatwoot:storageSecretAccessKey");
    expect(
      evaluatePlan(plan)
        .filter((v) => v.enforcement === "mandatory")
        .map((v) => v.rule),
    ).toEqual(["attachments-off-machine-disk"]);
  });

  it("passes a bucket", () => {
    expect(attachmentsOffMachineDisk.check(planOf(stagingWith({ storage: TIGRIS })))).toEqual([]);
    expect(attachmentsOffMachineDisk.check(planOf(stagingWith({ storage: SUPABASE })))).toEqual([]);
  });
});
