/**
 * The end of the test command's output: a table of each suite's wall time (slowest first) and the one
 * closing line `tests: N passed, N failed` that CI reads. Input: jest's `--json` report. Exit 1 when
 * no test ran.
 *
 *   node -r ts-node/register/transpile-only testing/testReport.ts <jest report.json> [total seconds]
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";

/** The parts of jest's `--json` report read here and by the bench (testing/bench/testSuite.ts). */
export interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: Array<{
    name: string;
    startTime: number;
    endTime: number;
    assertionResults: Array<{ status: string; fullName: string; failureMessages?: string[] }>;
  }>;
}

/** Rows of the per-suite table, slowest first. */
export function suiteRows(report: JestReport, root: string): Array<{ suite: string; seconds: number; tests: number }> {
  return report.testResults
    .map((r) => ({ suite: relative(root, r.name), seconds: (r.endTime - r.startTime) / 1000, tests: r.assertionResults.length }))
    .sort((a, b) => b.seconds - a.seconds);
}

function main(file: string, total?: string): void {
  const report = JSON.parse(readFileSync(file, "utf8")) as JestReport;
  const rows = suiteRows(report, process.cwd());
  const width = Math.max(5, ...rows.map((r) => r.suite.length));
  const lines = [
    `${"suite".padEnd(width)}  tests  seconds`,
    ...rows.map((r) => `${r.suite.padEnd(width)}  ${String(r.tests).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}`),
  ];
  const suiteSum = rows.reduce((sum, r) => sum + r.seconds, 0);
  lines.push(`sum of suites ${suiteSum.toFixed(1)} s${total ? `; the whole test command ${total} s` : ""}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stdout.write(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed\n`);
  if (report.numTotalTests === 0) process.exitCode = 1;
}

if (require.main === module) main(process.argv[2], process.argv[3]);
