import { countArgs, countChanges } from "../../lib/counts";

describe("countChanges", () => {
  it("sets every group that differs, and only those", () => {
    expect(countChanges({ web: 2, worker: 1 }, { web: 1, worker: 3 }, false)).toEqual({ web: 1, worker: 3 });
    expect(countChanges({ web: 1, worker: 1 }, { web: 1, worker: 1 }, false)).toEqual({});
  });

  it("before the migration, lowers only the groups above their count", () => {
    expect(countChanges({ web: 2, worker: 1 }, { web: 1, worker: 3 }, true)).toEqual({ web: 1 });
    expect(countChanges({ web: 1 }, { web: 1, worker: 0 }, true)).toEqual({});
  });

  it("counts a group Fly has no machine of as 0 (first deploy)", () => {
    expect(countChanges({}, { web: 1, worker: 1 }, false)).toEqual({ web: 1, worker: 1 });
    expect(countChanges({}, { web: 1, worker: 1 }, true)).toEqual({});
  });
});

describe("countArgs", () => {
  it("renders group=N in a stable order", () => {
    expect(countArgs({ worker: 0, web: 2 })).toEqual(["web=2", "worker=0"]);
  });
});
