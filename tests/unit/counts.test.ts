import { countArgs, countChanges } from "../../lib/counts";

describe("countChanges", () => {
  it("lowers every group above its count and raises every group below it, one past the count either way", () => {
    expect(countChanges({ web: 2, worker: 1 }, { web: 1, worker: 2 }, false)).toEqual({ lower: { web: 1 }, raise: { worker: 2 } });
  });

  it("leaves a group at its count alone", () => {
    expect(countChanges({ web: 1, worker: 1 }, { web: 1, worker: 1 }, false)).toEqual({ lower: {}, raise: {} });
  });

  it("before the migration, lowers only the groups above their count", () => {
    expect(countChanges({ web: 2, worker: 1 }, { web: 1, worker: 3 }, true)).toEqual({ lower: { web: 1 }, raise: {} });
    expect(countChanges({ web: 1 }, { web: 1, worker: 0 }, true)).toEqual({ lower: {}, raise: {} });
  });

  it("counts a group Fly has no machine of as 0 (first deploy)", () => {
    expect(countChanges({}, { web: 1, worker: 1 }, false)).toEqual({ lower: {}, raise: { web: 1, worker: 1 } });
    expect(countChanges({}, { web: 1, worker: 1 }, true)).toEqual({ lower: {}, raise: {} });
  });
});

describe("countArgs", () => {
  it("renders group=N in a stable order", () => {
    expect(countArgs({ worker: 0, web: 2 })).toEqual(["web=2", "worker=0"]);
  });
});
