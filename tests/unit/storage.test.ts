/** Durable attachments: storage config -> Chatwoot's env, the checks of bad input, and the mandatory policy. */
import { parse } from "smol-toml";
import { splitEntries, validatePlain, missingCredentials } from "../../lib/config/validate";
import { attachmentsOffMachineDisk, evaluatePlan } from "../../lib/rules";
import { explainMisplacedStorageCredentials, missingStorageCredentials, storageEnv, storageIssues } from "../../lib/storage";
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

  it("sets no bucket or endpoint name for a config that lacks them (config validation refuses it first)", () => {
    expect(storageEnv({ storage: { service: "s3_compatible", region: "auto", forcePathStyle: false } })).toStrictEqual({
      ACTIVE_STORAGE_SERVICE: "s3_compatible",
      STORAGE_REGION: "auto",
      STORAGE_FORCE_PATH_STYLE: "false",
    });
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

  it("names each missing field with the command that sets it", () => {
    expect(storageIssues(validConfig(stagingWith({ storage: TIGRIS }))).length).toBe(0);
    const bare = { storage: { service: "s3_compatible" as const, region: "auto", forcePathStyle: false } };
    expect(storageIssues(bare)).toEqual([
      {
        key: "chatwoot:storage.bucket",
        message: "required for storage.service s3_compatible",
        found: "nothing",
        fix: "pulumi config set --path 'chatwoot:storage.bucket' <bucket name>",
      },
      {
        key: "chatwoot:storage.endpoint",
        message: "required for storage.service s3_compatible",
        found: "nothing",
        fix: "pulumi config set --path 'chatwoot:storage.endpoint' https://fly.storage.tigris.dev (Tigris) or https://<ref>.supabase.co/storage/v1/s3 (Supabase)",
      },
    ]);
  });

  it.each(["http://s3.example.com/http:/x", "HTTP://s3.example.com/http:/x"])("offers the https form of %s", (endpoint) => {
    const storage = { service: "s3_compatible" as const, bucket: "b", endpoint, region: "auto", forcePathStyle: false };
    expect(storageIssues({ storage })).toEqual([
      {
        key: "chatwoot:storage.endpoint",
        message: "must be https for a host other than this machine: the keys and every attachment would cross the network in clear",
        found: JSON.stringify(endpoint),
        fix: "pulumi config set --path 'chatwoot:storage.endpoint' https://s3.example.com/http:/x",
      },
    ]);
  });

  it.each([
    ["secretAccessKey", "storageSecretAccessKey"],
    ["secretKey", "storageSecretAccessKey"],
    ["accessKeyId", "storageAccessKeyId"],
    ["accessKey", "storageAccessKeyId"],
  ])("sends storage.%s to the secret key %s", (field, secretKey) => {
    const key = `chatwoot:storage.${field}`;
    expect(explainMisplacedStorageCredentials([{ key, message: "unknown key", fix: "remove it" }])).toEqual([
      {
        key,
        message: "holds a credential, which is accepted only as a secret key",
        fix: `pulumi config rm --path '${key}', then pulumi config set --secret chatwoot:${secretKey} <value> (and rotate the key: it was in the stack file)`,
      },
    ]);
  });

  it("leaves other issues of those keys, and other keys, as they are", () => {
    const issues = [
      { key: "chatwoot:storage.secretKey", message: "must be a string", fix: "a string" },
      { key: "chatwoot:storage.bucketName", message: "unknown key", fix: "remove it" },
      { key: "chatwoot:storage.secretKeyFile", message: "unknown key", fix: "remove it" },
      { key: "other-chatwoot:storage.secretKey", message: "unknown key", fix: "remove it" },
    ];
    expect(explainMisplacedStorageCredentials(issues)).toEqual(issues);
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

  it("names each storage key still to set as a secret, with its command, only for s3_compatible", () => {
    const bucket = validConfig(stagingWith({ storage: TIGRIS }));
    expect(missingStorageCredentials(bucket, { storageAccessKeyId: "tid_abcdef" })).toEqual([
      {
        key: "chatwoot:storageSecretAccessKey",
        message: "required secret is missing: storage.service s3_compatible needs the bucket's access key",
        fix: "pulumi config set --secret chatwoot:storageSecretAccessKey <value>",
      },
    ]);
    expect(missingStorageCredentials(bucket, { storageSecretAccessKey: "tsec_abcdef" }).map((i) => i.fix)).toEqual([
      "pulumi config set --secret chatwoot:storageAccessKeyId <value>",
    ]);
    expect(missingStorageCredentials(bucket, { storageAccessKeyId: "tid_abcdef", storageSecretAccessKey: "tsec_abcdef" })).toEqual([]);
    expect(missingStorageCredentials(validConfig(stagingWith({ storage: { service: "local" } })), {})).toEqual([]);
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
