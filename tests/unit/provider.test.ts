/**
 * The provider's plain parts: which handler a URN reaches, and how properties cross the provider
 * server (secrets wrapped as the SDK's runtime marks them). Its calls to Fly run in the engine tests
 * (tests/integration/drift.test.ts).
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import {
  APP_SECRETS_TYPE,
  CHANGED_ON_FLY,
  CHANGED_ON_FLY_SHOWN,
  FLY_RESOURCE_TYPES,
  PROCESS_GROUP_COUNTS_TYPE,
} from "../../lib/flyResources";
import { secretsRevision } from "../../lib/secretsImport";
import { commandState } from "../../provider/commandState";
import { engineAddress } from "../../provider/engineLog";
import { flyProvider, typeOfUrn } from "../../provider/flyProvider";
import { accessEnv } from "../../lib/stepContract";
import { ownProps, plain, toState } from "../../provider/props";

const ACCESS = { app: "a", flyctl: "flyctl", timeoutSeconds: 60 };
const wrapped = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const urnOf = (qualifiedType: string) => `urn:pulumi:staging::chatwoot-fly::${qualifiedType}::chatwoot-counts-scale`;

describe("typeOfUrn", () => {
  it("reads the resource's own type, after its parents' types", () => {
    expect(typeOfUrn(urnOf(`chatwoot:index:ChatwootDeployment$chatwoot:fly:MachineCounts$${PROCESS_GROUP_COUNTS_TYPE}`))).toBe(
      PROCESS_GROUP_COUNTS_TYPE,
    );
    expect(typeOfUrn(urnOf(PROCESS_GROUP_COUNTS_TYPE))).toBe(PROCESS_GROUP_COUNTS_TYPE);
    expect(typeOfUrn("not-a-urn")).toBe("");
  });
});

describe("engineAddress", () => {
  it("is the first argument that is no flag, past the flags the engine may put first", () => {
    expect(engineAddress(["127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    expect(engineAddress(["--logtostderr", "-v=9", "--tracing", "file:/tmp/t", "127.0.0.1:4000", "other"])).toBe("127.0.0.1:4000");
    expect(engineAddress(["--logtostderr"])).toBeUndefined();
  });
});

describe("flyProvider", () => {
  it("refuses a type it does not serve, naming the ones it does", async () => {
    const provider = flyProvider(() => undefined);
    await expect(provider.diff!("id", urnOf("chatwoot-fly:index:Other"), {}, {})).rejects.toThrow(
      `chatwoot-fly serves ${FLY_RESOURCE_TYPES.join(", ")}; not chatwoot-fly:index:Other`,
    );
  });

  it("diffs the config against the state without running anything", async () => {
    const provider = flyProvider(() => undefined);
    const props = { app: "a", flyctl: "flyctl", timeoutSeconds: 60, apiToken: wrapped("t"), counts: { web: 1 }, downOnly: false };
    const urn = urnOf(PROCESS_GROUP_COUNTS_TYPE);
    expect(await provider.diff!("id", urn, props, props)).toEqual({ changes: false, replaces: [] });
    expect(await provider.diff!("id", urn, { ...props, counts: { web: 3 } }, props)).toEqual({ changes: true, replaces: [] });
    // The state of the Command an upgraded stack had under this name: its environment, no counts.
    expect(await provider.diff!("id", urn, { create: "node steps/main.ts scale", environment: {} }, props)).toEqual({
      changes: true,
      replaces: [],
    });
    await expect(provider.diff!("id", urn, props, { ...props, counts: undefined })).rejects.toThrow("the inputs have no counts");
  });
});

describe("properties across the provider server", () => {
  it("unwraps secrets to plain values at any depth", () => {
    expect(plain({ app: "a", apiToken: wrapped("t"), counts: { web: 1 }, list: [wrapped({ x: wrapped("y") })] })).toEqual({
      app: "a",
      apiToken: "t",
      counts: { web: 1 },
      list: [{ x: "y" }],
    });
  });

  it("keeps each app secret a secret of its own, and one changed on Fly in plain words that read back as such", () => {
    const state = toState({ ...ACCESS, values: { A: "1", B: CHANGED_ON_FLY }, revision: "r", digests: { A: "d" } });
    expect(state).toEqual({
      ...ACCESS,
      values: { A: wrapped("1"), B: CHANGED_ON_FLY_SHOWN },
      revision: wrapped("r"),
      digests: wrapped({ A: "d" }),
    });
    expect(plain(state).values).toEqual({ A: "1", B: CHANGED_ON_FLY });
    // The program's one secret map (before check) reads as it is, whatever its values say.
    expect(plain({ values: wrapped({ A: CHANGED_ON_FLY_SHOWN }) }).values).toEqual({ A: CHANGED_ON_FLY_SHOWN });
  });

  it("keeps the API token wrapped as a secret in the state, and drops what is undefined", () => {
    expect(toState({ app: "a", flyctl: "f", timeoutSeconds: 5, apiToken: "t", extra: undefined, redeployOn: "rev" })).toEqual({
      redeployOn: wrapped("rev"),
      app: "a",
      flyctl: "f",
      timeoutSeconds: 5,
      apiToken: wrapped("t"),
    });
    expect(toState({ app: "a", flyctl: "f", timeoutSeconds: 5, apiToken: undefined })).toEqual({
      app: "a",
      flyctl: "f",
      timeoutSeconds: 5,
    });
  });

  it("tells a step how to reach Fly, with the token only when the stack has one", () => {
    const access = { app: "a", flyctl: "/bin/flyctl", timeoutSeconds: 30 };
    expect(accessEnv(access)).toEqual({ CHATWOOT_FLYCTL: "/bin/flyctl", CHATWOOT_FLYCTL_TIMEOUT_SECONDS: "30", CHATWOOT_FLY_APP: "a" });
    expect(accessEnv({ ...access, apiToken: "t" })).toMatchObject({ FLY_API_TOKEN: "t" });
  });
});

describe("ownProps", () => {
  it("reads a resource's own state, and tells a Command's state, or a key of another kind, apart", () => {
    expect(ownProps<{ image: string; apiToken: string }>({ image: "a:1", apiToken: wrapped("t") }, "image", "string")).toEqual({
      image: "a:1",
      apiToken: "t",
    });
    expect(ownProps({ create: "node steps/main.ts deploy", environment: {} }, "image", "string")).toBeUndefined();
    expect(ownProps({ counts: null }, "counts", "object")).toBeUndefined();
    expect(ownProps({ counts: "3" }, "counts", "object")).toBeUndefined();
  });
});

describe("AppSecrets' check", () => {
  const check = (values: unknown) =>
    flyProvider(() => undefined).check!(urnOf(APP_SECRETS_TYPE), {}, { ...ACCESS, apiToken: wrapped("t"), values });

  it("splits the program's one secret map into a secret per key and adds the revision the rollout redeploys on", async () => {
    const values = { REDIS_URL: "redis://r:6379/0", FRONTEND_URL: "https://chat.example.com" };
    expect(await check(wrapped(values))).toEqual({
      inputs: {
        ...ACCESS,
        apiToken: wrapped("t"),
        values: { REDIS_URL: wrapped(values.REDIS_URL), FRONTEND_URL: wrapped(values.FRONTEND_URL) },
        revision: wrapped(secretsRevision(values)),
      },
    });
  });

  it("leaves values unknown until up as they are", async () => {
    expect(await check(unknownValue)).toEqual({ inputs: { ...ACCESS, apiToken: wrapped("t"), values: unknownValue } });
  });

  it("refuses a value flyctl cannot carry, naming the key and never the value", async () => {
    const result = await check(wrapped({ BAD: "a\rb" }));
    expect(result.failures).toEqual([
      { property: "values", reason: expect.stringContaining("secret BAD: the value holds a carriage return") },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain("a\\rb");
  });
});

describe("commandState", () => {
  it("reads the environment and the last JSON line of a step's Command, secrets unwrapped", () => {
    const state = commandState({
      create: "node steps/main.ts ensure-app",
      environment: { A: wrapped("1") },
      stdout: wrapped('log\n{"adopted":true}'),
    });
    expect(state).toEqual({ environment: { A: "1" }, result: { adopted: true } });
  });

  it("has no result when the stdout held none, and is no Command state without a create command", () => {
    expect(commandState({ create: "c", stdout: "" })).toEqual({ environment: {}, result: undefined });
    expect(commandState({ counts: { web: 1 } })).toBeUndefined();
  });
});
