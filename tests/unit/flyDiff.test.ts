/**
 * The provider's diff of the Fly resources (lib/flyDiff.ts): the config against the state, which after
 * `pulumi refresh` is what Fly runs.
 */
import { diffProcessGroupCounts } from "../../lib/flyDiff";
import type { ProcessGroupCountsProps } from "../../lib/flyResources";

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
