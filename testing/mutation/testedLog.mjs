// @ts-check
/**
 * A Stryker reporter that appends each mutant's result to reports/mutation/tested.jsonl as soon as it
 * is tested. Stryker writes its JSON and HTML reports only when the whole run ends, and a run of
 * several files can outlast a working session here: this log keeps what a cut-off run found, and lets
 * the survivors be read while the run goes on (docs/testing.md).
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { PluginKind, declareClassPlugin } from "@stryker-mutator/api/plugin";

export const TESTED_LOG = "reports/mutation/tested.jsonl";

class TestedLog {
  onDryRunCompleted() {
    mkdirSync(dirname(TESTED_LOG), { recursive: true });
    writeFileSync(TESTED_LOG, "");
  }

  /** @param {Readonly<import("@stryker-mutator/api/core").MutantResult>} mutant */
  onMutantTested(mutant) {
    const { fileName, location, mutatorName, replacement, status } = mutant;
    // The report schema's positions: lines and columns from 1.
    const at = { file: relative(process.cwd(), fileName), line: location.start.line, column: location.start.column };
    appendFileSync(TESTED_LOG, `${JSON.stringify({ ...at, status, mutatorName, replacement })}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "tested-log", TestedLog)];
