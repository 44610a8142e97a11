/**
 * The last check of the test command: searches the test run's own output and report for every secret
 * value the tests gave a local stack (LocalStack appends them to $CHATWOOT_LEAK_LIST). Prints counts
 * and, for a hit, where and in which form (never the value); exits 1 on any hit.
 *   node -r ts-node/register/transpile-only testing/local/scanTestOutput.ts <secret list> <file>...
 */
import { existsSync, readFileSync } from "node:fs";
import { findLeaks } from "./leakScan";

const [list, ...files] = process.argv.slice(2);
const secrets = existsSync(list)
  ? readFileSync(list, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string)
  : [];
const sources = Object.fromEntries(files.map((file) => [file, readFileSync(file, "utf8")]));
const bytes = Object.values(sources).reduce((n, text) => n + text.length, 0);
const leaks = findLeaks(sources, [...new Set(secrets)]);
for (const leak of leaks) process.stderr.write(`leak: secret #${leak.secret} (${leak.form}) in ${leak.source}\n`);
console.log(
  `leak scan of the test output: ${new Set(secrets).size} secret values, ${Math.round(bytes / 1024)} KiB scanned, ${leaks.length} hits`,
);
if (leaks.length) process.exitCode = 1;
