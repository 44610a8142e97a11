/**
 * The end of `npm run mutation`: the mutation score per folder against its goal, every surviving mutant
 * as file:line, and every mutant marked equivalent with its reason. Input: Stryker's JSON report
 * (mutation-testing-report-schema). Exit 1 when a folder is under its goal.
 *
 *   node -r ts-node/register/transpile-only testing/mutation/summary.ts <mutation.json> [seconds]
 */
import { readFileSync } from "node:fs";

/** The fields of Stryker's JSON report that the summary reads. */
export interface MutationReport {
  files: Record<string, { mutants: Mutant[] }>;
}
interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  location: { start: { line: number; column: number } };
}

/** Killed share per folder that issue 17 asks for: the rules and pure logic higher than the glue. */
export const GOALS: Record<string, number> = { lib: 85, policies: 85, steps: 70, components: 70 };

export interface FolderScore {
  folder: string;
  killed: number;
  survived: number;
  /** Killed + survived: the mutants that compiled and ran. */
  valid: number;
  /** Mutants that the TypeScript checker refused: no test could run them. */
  compileErrors: number;
  /** Mutants marked equivalent in the source (a `Stryker disable` comment with its reason). */
  equivalent: number;
  /** Static mutants (module-load code), left out with `ignoreStatic` (testing/mutation/stryker.config.mjs). */
  static: number;
  /** Killed share of the valid mutants; null when none ran (a `--mutate` subset without this folder). */
  score: number | null;
  goal: number;
}

export interface Listed {
  where: string;
  mutator: string;
  replacement: string;
  reason?: string;
}

// Stryker's own classes (mutation-testing-metrics): a timeout counts as detected, a mutant no test
// covers as undetected; compile and runtime errors and ignored mutants are outside the score.
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
/** Stryker's reason for a static mutant under `ignoreStatic` (core's mutant-test-planner). */
const isStatic = (m: Mutant) => m.status === "Ignored" && (m.statusReason ?? "").startsWith("Static mutant");
const isEquivalent = (m: Mutant) => m.status === "Ignored" && !isStatic(m);

const folderOf = (file: string) => file.split("/")[0];
const listed = (file: string, m: Mutant): Listed => ({
  where: `${file}:${m.location.start.line}:${m.location.start.column}`,
  mutator: m.mutatorName,
  replacement: (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 60),
  reason: m.statusReason,
});

/** Scores per goal folder, in the order of GOALS. */
export function folderScores(report: MutationReport): FolderScore[] {
  return Object.entries(GOALS).map(([folder, goal]) => {
    const mutants = Object.entries(report.files)
      .filter(([file]) => folderOf(file) === folder)
      .flatMap(([, f]) => f.mutants);
    const killed = mutants.filter((m) => DETECTED.has(m.status)).length;
    const survived = mutants.filter((m) => UNDETECTED.has(m.status)).length;
    const valid = killed + survived;
    return {
      folder,
      killed,
      survived,
      valid,
      compileErrors: mutants.filter((m) => m.status === "CompileError").length,
      equivalent: mutants.filter(isEquivalent).length,
      static: mutants.filter(isStatic).length,
      score: valid === 0 ? null : (100 * killed) / valid,
      goal,
    };
  });
}

/** Mutants of one class (undetected, or marked equivalent), by file and line. */
export function mutantsWhere(report: MutationReport, status: "undetected" | "equivalent"): Listed[] {
  const wanted = status === "undetected" ? (m: Mutant) => UNDETECTED.has(m.status) : isEquivalent;
  return Object.entries(report.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([file, f]) =>
      f.mutants
        .filter(wanted)
        .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)
        .map((m) => listed(file, m)),
    );
}

/** Folders whose mutants ran and scored under their goal. */
export const underGoal = (scores: FolderScore[]) => scores.filter((s) => s.score !== null && s.score < s.goal);

/** The markdown table of scores that docs/testing.md keeps ("-": no mutant of the folder ran). */
export function scoreTable(scores: FolderScore[]): string {
  return [
    "| folder | killed | survived | score | goal | met | compile errors | equivalent | static |",
    "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ...scores.map(
      (s) =>
        `| ${s.folder}/ | ${s.killed} | ${s.survived} | ${s.score === null ? "-" : `${s.score.toFixed(1)}%`} | ${s.goal}% | ${s.score === null ? "-" : s.score >= s.goal ? "yes" : "**no**"} | ${s.compileErrors} | ${s.equivalent} | ${s.static} |`,
    ),
  ].join("\n");
}

function main(file: string, seconds?: string): void {
  const report = JSON.parse(readFileSync(file, "utf8")) as MutationReport;
  const scores = folderScores(report);
  const survivors = mutantsWhere(report, "undetected");
  const equivalent = mutantsWhere(report, "equivalent");
  const out = [
    "",
    scoreTable(scores),
    "",
    `surviving mutants: ${survivors.length}`,
    ...survivors.map((m) => `  ${m.where}  ${m.mutator}  ${m.replacement}`),
    `marked equivalent: ${equivalent.length}`,
    ...equivalent.map((m) => `  ${m.where}  ${m.mutator}: ${m.reason ?? "(no reason given)"}`),
  ];
  if (seconds) out.push(`mutation run: ${seconds} s`);
  const under = underGoal(scores);
  for (const s of under) out.push(`${s.folder}/ is under its goal: ${s.score?.toFixed(1)}% < ${s.goal}%`);
  process.stdout.write(`${out.join("\n")}\n`);
  if (under.length > 0) process.exitCode = 1;
}

if (require.main === module) main(process.argv[2], process.argv[3]);
