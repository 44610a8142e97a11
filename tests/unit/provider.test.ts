/**
 * The provider's plain parts: which handler a URN reaches, and how properties cross the provider
 * server (secrets wrapped as the SDK's runtime marks them). Its calls to Fly run in the engine tests
 * (tests/integration/drift.test.ts).
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { FLY_RESOURCE_TYPES, PROCESS_GROUP_COUNTS_TYPE } from "../../lib/flyResources";
import { engineAddress } from "../../provider/engineLog";
import { flyProvider, typeOfUrn } from "../../provider/flyProvider";
import { accessEnv, plain, toState } from "../../provider/props";

const wrapped = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const urnOf = (qualifiedType: string) => `urn:pulumi:staging::chatwoot-fly::${qualifiedType}::chatwoot-counts-scale`;

describe("typeOfUrn", () => {
  it("reads the resource's own type, after its parents' types", () => {
    expect(typeOfUrn(urnOf(`chatwoot:index:Deployment$chatwoot:fly:MachineCounts$${PROCESS_GROUP_COUNTS_TYPE}`))).toBe(
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
  it("unwraps secrets to plain values, one level deep", () => {
    expect(plain({ app: "a", apiToken: wrapped("t"), counts: { web: 1 } })).toEqual({ app: "a", apiToken: "t", counts: { web: 1 } });
  });

  it("keeps the API token wrapped as a secret in the state, and drops what is undefined", () => {
    expect(toState({ app: "a", flyctl: "f", timeoutSeconds: 5, apiToken: "t", extra: undefined })).toEqual({
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
