/**
 * The test command as shipped (`npm test`: jest with three suites at a time, slowest first) against its
 * serial baseline, the same command and the same tests one suite at a time, in this run: wall time, CPU,
 * tests passed, and the slowest suites of the shipped run.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { type JestReport, suiteRows } from "../testReport";
import { REPO } from "./engineEnv";
import { measure } from "./measure";

export interface TestSuiteFigures {
  serialSeconds: number;
  shippedSeconds: number;
  /** Tests passed in each run, which must be equal for the comparison to hold. */
  passed: { serial: number; shipped: number };
}

interface Run {
  seconds: number;
  cpu: number;
  passed: number;
  failed: number;
  /** Each failed test as `suite › name: its matcher and Expected/Received lines` (failureSummary). */
  failures: string[];
  rows: ReturnType<typeof suiteRows>;
}

/** A failure's matcher line and its Expected/Received lines (jest's message less colours and the stack), on one line. */
function failureSummary(message: string): string {
  const lines = message
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("at "));
  return lines.slice(0, 4).join(" / ");
}

/** One `npm test` (scripts/test.sh), with `workers` suites at a time; its jest report is read back. */
async function testCommand(workers: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-bench-tests-"));
  try {
    const report = join(dir, "report.json");
    const run = await measure("bash", ["scripts/test.sh"], {
      env: { ...process.env, CHATWOOT_TEST_WORKERS: String(workers), CHATWOOT_TEST_REPORT: report },
      cwd: REPO,
    });
    const json = JSON.parse(readFileSync(report, "utf8")) as JestReport;
    const failures = json.testResults.flatMap((suite) =>
      suite.assertionResults
        .filter((t) => t.status === "failed")
        .map((t) => `${relative(REPO, suite.name)} › ${t.fullName}: ${failureSummary(t.failureMessages?.[0] ?? "")}`),
    );
    return {
      seconds: run.seconds,
      cpu: run.cpu,
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      failures,
      rows: suiteRows(json, REPO),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function testSuite(say: (line?: string) => void): Promise<TestSuiteFigures> {
  const shipped = await testCommand(3);
  const serial = await testCommand(1);
  say("## 2. The test command");
  say("");
  say(
    "`npm test` (set-up already done; type-check, lint, format check, then jest) as shipped, three suites at a time, against the same command one suite at a time.",
  );
  say("");
  say("| run | wall s | CPU s | tests passed | failed |");
  say("| --- | --- | --- | --- | --- |");
  say(`| one suite at a time (baseline) | ${serial.seconds.toFixed(0)} | ${serial.cpu.toFixed(0)} | ${serial.passed} | ${serial.failed} |`);
  say(
    `| as shipped, three at a time | ${shipped.seconds.toFixed(0)} | ${shipped.cpu.toFixed(0)} | ${shipped.passed} | ${shipped.failed} |`,
  );
  say("");
  for (const [label, run] of [
    ["one suite at a time", serial],
    ["as shipped", shipped],
  ] as const) {
    for (const failure of run.failures) say(`- failed ${label}: ${failure}`);
  }
  if (serial.failures.length + shipped.failures.length > 0) say("");
  say("The slowest suites of the shipped run (wall s; three run at once, so each is slower than alone):");
  say("");
  say("| suite | tests | shipped s | alone s |");
  say("| --- | --- | --- | --- |");
  const alone = new Map(serial.rows.map((r) => [r.suite, r.seconds]));
  for (const r of shipped.rows.slice(0, 10))
    say(`| ${r.suite} | ${r.tests} | ${r.seconds.toFixed(0)} | ${alone.get(r.suite)?.toFixed(0) ?? "-"} |`);
  say("");
  return { serialSeconds: serial.seconds, shippedSeconds: shipped.seconds, passed: { serial: serial.passed, shipped: shipped.passed } };
}
