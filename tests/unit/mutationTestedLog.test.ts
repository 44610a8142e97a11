/**
 * testing/mutation/testedLog.mjs: each mutant's result is appended to reports/mutation/tested.jsonl as
 * Stryker reports it, so that a run cut off before its report still shows what it found.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const moduleUrl = (file: string) => pathToFileURL(path.resolve(__dirname, "../../testing/mutation", file)).href;
const plugin = moduleUrl("testedLog.mjs");

/** Runs the reporter (an ES module, as Stryker loads it) in `cwd` through the given events. */
function report(cwd: string, events: string): string {
  const script = `
    const { strykerPlugins: [plugin], TESTED_LOG } = await import(${JSON.stringify(plugin)});
    const log = new plugin.injectableClass();
    const at = (line, column) => ({ start: { line, column }, end: { line, column: column + 1 } });
    ${events}
    process.stdout.write(JSON.stringify({ kind: plugin.kind, name: plugin.name, log: TESTED_LOG }));`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8" });
}

describe("the tested-log reporter", () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(path.join(tmpdir(), "tested-log-"))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));
  const lines = () =>
    readFileSync(path.join(cwd, "reports/mutation/tested.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);

  it("is the Reporter that stryker.config.mjs names tested-log, writing reports/mutation/tested.jsonl", () => {
    expect(JSON.parse(report(cwd, ""))).toEqual({ kind: "Reporter", name: "tested-log", log: "reports/mutation/tested.jsonl" });
    const script = `const { default: c } = await import(${JSON.stringify(moduleUrl("stryker.config.mjs"))}); process.stdout.write(JSON.stringify(c));`;
    const config = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as {
      plugins: string[];
      reporters: string[];
    };
    expect(config.plugins).toContain("./testing/mutation/testedLog.mjs");
    expect(config.reporters).toContain("tested-log");
  });

  it("starts an empty log after the dry run and adds a line per mutant, its file relative to the run", () => {
    report(
      cwd,
      `log.onDryRunCompleted();
       log.onMutantTested({ fileName: ${JSON.stringify(path.join(cwd, "lib/plan.ts"))}, location: at(12, 5), status: "Survived", mutatorName: "StringLiteral", replacement: '""', killedBy: ["t"] });
       log.onMutantTested({ fileName: "lib/flyToml.ts", location: at(3, 1), status: "Killed", mutatorName: "BlockStatement", replacement: "{}" });`,
    );
    expect(lines()).toEqual([
      { file: "lib/plan.ts", line: 12, column: 5, status: "Survived", mutatorName: "StringLiteral", replacement: '""' },
      { file: "lib/flyToml.ts", line: 3, column: 1, status: "Killed", mutatorName: "BlockStatement", replacement: "{}" },
    ]);
  });

  it("empties the last run's log when a new run's dry run ends", () => {
    const one = `log.onMutantTested({ fileName: "lib/plan.ts", location: at(1, 1), status: "Killed", mutatorName: "x", replacement: "y" });`;
    report(cwd, `log.onDryRunCompleted(); ${one} ${one}`);
    report(cwd, `log.onDryRunCompleted(); ${one}`);
    expect(lines()).toHaveLength(1);
  });
});
