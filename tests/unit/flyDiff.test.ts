/**
 * The provider's diff of the Fly resources (lib/flyDiff.ts): the config against the state, which after
 * `pulumi refresh` is what Fly runs.
 */
import {
  diffApp,
  diffAppSecrets,
  diffProcessGroupCounts,
  diffRelease,
  observedImage,
  releaseChanged,
  setsBackHandChanges,
} from "../../lib/flyDiff";
import {
  CHANGED_ON_FLY,
  type AppProps,
  type AppSecretsProps,
  type ProcessGroupCountsProps,
  type ReleaseProps,
} from "../../lib/flyResources";

const state = (over: Partial<ProcessGroupCountsProps> = {}): ProcessGroupCountsProps => ({
  app: "hotdash-chatwoot",
  flyctl: "flyctl",
  timeoutSeconds: 1800,
  apiToken: "FlyV1 token-1",
  counts: { web: 1, worker: 1 },
  downOnly: false,
  ...over,
});
const same = { changes: false, replaces: [] };
const update = { changes: true, replaces: [] };

describe("diffProcessGroupCounts", () => {
  it("sees no change when every group runs its count", () => {
    expect(diffProcessGroupCounts(state(), state())).toEqual(same);
  });

  it("sees a group scaled up or down by hand, or a machine destroyed by hand", () => {
    expect(diffProcessGroupCounts(state({ counts: { web: 1, worker: 3 } }), state())).toEqual(update);
    expect(diffProcessGroupCounts(state({ counts: { web: 0, worker: 1 } }), state())).toEqual(update);
    expect(diffProcessGroupCounts(state({ counts: { web: 1 } }), state())).toEqual(update);
  });

  it("before the migration, sees only the groups above their count", () => {
    const downOnly = state({ downOnly: true });
    expect(diffProcessGroupCounts(state({ downOnly: true, counts: { web: 1, worker: 2 } }), downOnly)).toEqual(update);
    expect(diffProcessGroupCounts(state({ downOnly: true, counts: { web: 0, worker: 0 } }), downOnly)).toEqual(same);
  });

  it("counts a group the config sets to 0 and Fly does not run as in line", () => {
    expect(diffProcessGroupCounts(state({ counts: { web: 1 } }), state({ counts: { web: 1, worker: 0 } }))).toEqual(same);
  });

  it("updates for a new way to reach Fly, which the next read needs", () => {
    expect(diffProcessGroupCounts(state(), state({ flyctl: "/opt/flyctl" }))).toEqual(update);
    expect(diffProcessGroupCounts(state(), state({ timeoutSeconds: 60 }))).toEqual(update);
    expect(diffProcessGroupCounts(state(), state({ apiToken: "FlyV1 token-2" }))).toEqual(update);
    expect(diffProcessGroupCounts(state(), state({ apiToken: undefined }))).toEqual(update);
    expect(diffProcessGroupCounts(state(), state({ downOnly: true }))).toEqual(update);
  });

  it("replaces for another app: its machines are not these", () => {
    expect(diffProcessGroupCounts(state(), state({ app: "other-chatwoot" }))).toEqual({ changes: true, replaces: ["app"] });
  });

  it("takes over a state the Command wrote with one update, never a replacement", () => {
    expect(diffProcessGroupCounts(undefined, state())).toEqual(update);
  });
});

const access = { app: "hotdash-chatwoot", flyctl: "flyctl", timeoutSeconds: 1800, apiToken: "FlyV1 token-1" };

describe("diffAppSecrets", () => {
  const secrets = (over: Partial<AppSecretsProps> = {}): AppSecretsProps => ({
    ...access,
    values: { REDIS_URL: "redis://r:6379/0", FRONTEND_URL: "https://chat.example.com" },
    revision: "rev-1",
    digests: { REDIS_URL: "d1", FRONTEND_URL: "d2" },
    ...over,
  });

  it("sees no change when Fly holds what the config says", () => {
    expect(diffAppSecrets(secrets(), secrets())).toEqual(same);
  });

  it("sees a secret set by hand, unset by hand, added or removed in the config", () => {
    const values = secrets().values;
    expect(diffAppSecrets(secrets({ values: { ...values, REDIS_URL: CHANGED_ON_FLY } }), secrets())).toEqual(update);
    expect(diffAppSecrets(secrets({ values: { FRONTEND_URL: values.FRONTEND_URL } }), secrets())).toEqual(update);
    expect(diffAppSecrets(secrets(), secrets({ values: { ...values, SMTP_PASSWORD: "p" } }))).toEqual(update);
    expect(diffAppSecrets(secrets(), secrets({ values: { REDIS_URL: values.REDIS_URL } }))).toEqual(update);
    // Same count of keys, another name.
    expect(diffAppSecrets(secrets(), secrets({ values: { REDIS_URL: values.REDIS_URL, OTHER: values.FRONTEND_URL } }))).toEqual(update);
  });

  it("updates for values not known until up, and for a new way to reach Fly", () => {
    expect(diffAppSecrets(secrets(), { ...access, values: undefined })).toEqual(update);
    expect(diffAppSecrets(secrets(), secrets({ timeoutSeconds: 60 }))).toEqual(update);
  });

  it("replaces for another app, and takes a Command's state over with an update", () => {
    expect(diffAppSecrets(secrets(), secrets({ app: "other" }))).toEqual({ changes: true, replaces: ["app"] });
    expect(diffAppSecrets(undefined, secrets())).toEqual(update);
  });

  it("applies at once only values set back after a change by hand", () => {
    const changedOnFly = secrets({ values: { ...secrets().values, REDIS_URL: CHANGED_ON_FLY } });
    expect(setsBackHandChanges(changedOnFly, secrets())).toBe(true);
    // A new value in the config: a new revision, staged for the deploy that follows.
    expect(setsBackHandChanges(changedOnFly, secrets({ revision: "rev-2" }))).toBe(false);
    // Nothing changed by hand (e.g. a rotated Fly token): nothing to apply, no restart.
    expect(setsBackHandChanges(secrets(), secrets({ apiToken: "FlyV1 token-2" }))).toBe(false);
    expect(setsBackHandChanges(undefined, secrets())).toBe(false);
  });
});

describe("diffApp", () => {
  const app = (over: Partial<AppProps> = {}): AppProps => ({ ...access, org: "hotdash", destroyOnDelete: false, ...over });

  it("updates for another org, name, choice on delete or way to reach Fly, and never replaces the app", () => {
    expect(diffApp(app(), app())).toEqual(same);
    for (const over of [{ org: "personal" }, { app: "other" }, { destroyOnDelete: true }, { flyctl: "/opt/flyctl" }])
      expect(diffApp(app(), app(over))).toEqual(update);
    expect(diffApp(undefined, app())).toEqual(update);
  });

  it("leaves out whether the app was adopted, which only the first create finds out", () => {
    expect(diffApp(app({ adopted: true }), app())).toEqual(same);
  });
});

describe("diffRelease", () => {
  const release = (over: Partial<ReleaseProps> = {}): ReleaseProps => ({
    ...access,
    image: "chatwoot/chatwoot:v4.14.0",
    flyToml: 'app = "hotdash-chatwoot"\n',
    strategy: "rolling",
    redeployOn: "rev-1",
    updateOnly: false,
    ...over,
  });

  it("deploys for anything the machines run: image (also one deployed by hand), fly.toml, strategy, secrets, update-only", () => {
    expect(diffRelease(release(), release())).toEqual(same);
    const overs: Array<Partial<ReleaseProps>> = [
      { image: "chatwoot/chatwoot:v4.14.1" },
      { flyToml: "" },
      { strategy: "bluegreen" },
      { redeployOn: "rev-2" },
      { updateOnly: true },
    ];
    for (const over of overs) {
      expect(diffRelease(release(over), release())).toEqual(update);
      expect(releaseChanged(release(over), release())).toBe(true);
    }
  });

  it("updates without a deploy for a new way to reach Fly", () => {
    expect(diffRelease(release(), release({ apiToken: "FlyV1 token-2" }))).toEqual(update);
    expect(releaseChanged(release(), release({ apiToken: "FlyV1 token-2" }))).toBe(false);
  });

  it("replaces for another app, and takes a Command's state over with an update", () => {
    expect(diffRelease(release(), release({ app: "other" }))).toEqual({ changes: true, replaces: ["app"] });
    expect(diffRelease(undefined, release())).toEqual(update);
    expect(releaseChanged(undefined, release())).toBe(true);
  });
});

describe("observedImage", () => {
  const tag = "chatwoot/chatwoot:v4.14.0";
  const digest = `@sha256:${"ab".repeat(32)}`;

  it("is the image the process groups run, without the digest Fly pins it to", () => {
    expect(observedImage([tag + digest], tag)).toBe(tag);
    expect(observedImage([tag, tag + digest], "chatwoot/chatwoot:v4.13.0")).toBe(tag);
  });

  it("drops only a digest that ends the reference: other text after @sha256 shows as it is", () => {
    expect(observedImage([`${tag}@sha256:abc12-rebuilt`], tag)).toBe(`${tag}@sha256:abc12-rebuilt`);
  });

  it("keeps the digest when the config pins one", () => {
    expect(observedImage([tag + digest], `${tag}@sha256:${"cd".repeat(32)}`)).toBe(tag + digest);
  });

  it("names every image when the groups run different ones, and keeps the state's when no machine runs", () => {
    expect(observedImage(["b:2", "a:1"], "a:1")).toBe("a:1, b:2");
    expect(observedImage([], tag)).toBe(tag);
  });
});
