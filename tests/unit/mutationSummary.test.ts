/** The mutation report's summary (testing/mutation/summary.ts): scores per folder, survivors, equivalents. */
import { folderScores, GOALS, mutantsWhere, scoreTable, underGoal, type MutationReport } from "../../testing/mutation/summary";

const at = (line: number, column = 1) => ({ start: { line, column } });
const mutant = (status: string, line: number, extra: object = {}) => ({
  mutatorName: "EqualityOperator",
  replacement: "a >= b",
  status,
  location: at(line),
  ...extra,
});

const report: MutationReport = {
  files: {
    "lib/budget.ts": { mutants: [mutant("Killed", 3), mutant("Timeout", 4), mutant("Survived", 9), mutant("NoCoverage", 2)] },
    "lib/config/schema.ts": {
      mutants: [
        mutant("Killed", 1),
        mutant("CompileError", 5),
        mutant("Ignored", 7, { statusReason: "same value" }),
        mutant("Ignored", 8, { statusReason: 'Static mutant (and "ignoreStatic" was enabled)' }),
      ],
    },
    "steps/migrate.ts": { mutants: [mutant("Killed", 1), mutant("RuntimeError", 2)] },
    "tests/unit/x.ts": { mutants: [mutant("Survived", 1)] },
  },
};

describe("mutation summary", () => {
  it("scores each goal folder, nested files included, with timeouts detected and uncovered mutants undetected", () => {
    const lib = folderScores(report).find((s) => s.folder === "lib");
    expect(lib).toEqual({
      folder: "lib",
      killed: 3,
      survived: 2,
      valid: 5,
      compileErrors: 1,
      equivalent: 1,
      static: 1,
      score: 60,
      goal: 85,
    });
  });

  it("keeps runtime errors out of the score and gives a folder without mutants no score, which is not under its goal", () => {
    const scores = folderScores(report);
    expect(scores.find((s) => s.folder === "steps")).toMatchObject({ killed: 1, survived: 0, valid: 1, score: 100 });
    expect(scores.find((s) => s.folder === "policies")).toMatchObject({ valid: 0, score: null });
    expect(scores.map((s) => s.folder)).toEqual(Object.keys(GOALS));
    expect(underGoal(scores).map((s) => s.folder)).toEqual(["lib"]);
  });

  it("lists survivors by file and line, and equivalents with their reasons (static mutants are not equivalents)", () => {
    expect(mutantsWhere(report, "undetected").map((m) => m.where)).toEqual([
      "lib/budget.ts:2:1",
      "lib/budget.ts:9:1",
      "tests/unit/x.ts:1:1",
    ]);
    expect(mutantsWhere(report, "equivalent")).toEqual([
      { where: "lib/config/schema.ts:7:1", mutator: "EqualityOperator", replacement: "a >= b", reason: "same value" },
    ]);
  });

  it("marks a folder under its goal in the table", () => {
    const table = scoreTable(folderScores(report));
    expect(table).toContain("| lib/ | 3 | 2 | 60.0% | 85% | **no** | 1 | 1 | 1 |");
    expect(table).toContain("| steps/ | 1 | 0 | 100.0% | 70% | yes | 0 | 0 | 0 |");
    expect(table).toContain("| policies/ | 0 | 0 | - | 85% | - | 0 | 0 | 0 |");
  });
});
