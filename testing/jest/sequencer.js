// @ts-check
/**
 * The order jest starts suites in, when several run at once (scripts/test.sh): slowest first, so that
 * the longest suite never starts last and holds the run up alone. jest's own duration cache is keyed
 * by absolute path and so is empty in every fresh clone; this one keeps each suite's last duration by
 * its path in the repo, in the toolchain cache (~/.cache/chatwoot-fly/jest-durations.json), over the
 * durations of a full run on a 2-core machine committed beside it (durations.json: the order of a
 * machine that has run nothing yet). A suite in neither goes first when it is an integration suite
 * (it may be slow), and by file size otherwise, as jest does.
 */
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { homedir } = require("node:os");
const { dirname, join, relative } = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const ROOT = join(__dirname, "..", "..");
const FILE = join(process.env.CHATWOOT_FLY_CACHE || join(homedir(), ".cache", "chatwoot-fly"), "jest-durations.json");
const SEED = join(__dirname, "durations.json");

/**
 * @param {string} file
 * @returns {Record<string, number>} seconds by repo-relative path
 */
function readDurations(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

class SlowestFirst extends Sequencer {
  /** @param {import("@jest/test-result").Test[]} tests */
  sort(tests) {
    const known = { ...readDurations(SEED), ...readDurations(FILE) };
    const key = (/** @type {import("@jest/test-result").Test} */ test) => {
      const seconds = known[relative(ROOT, test.path)];
      if (seconds !== undefined) return [1, seconds];
      const size = test.context.hasteFS.getSize(test.path) ?? 0;
      return test.path.includes("/tests/integration/") ? [2, size] : [0, size];
    };
    // Unknown integration suites, then recorded ones by duration, then unknown unit suites; each by size or time, largest first.
    const keys = new Map(tests.map((test) => [test, key(test)]));
    return [...tests].sort((a, b) => {
      const [ka, kb] = [keys.get(a), keys.get(b)];
      return kb[0] - ka[0] || kb[1] - ka[1];
    });
  }

  /**
   * @param {import("@jest/test-result").Test[]} tests
   * @param {import("@jest/test-result").AggregatedResult} results
   */
  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    const durations = readDurations(FILE);
    for (const result of results.testResults) {
      if (result.skipped || result.testExecError) continue;
      durations[relative(ROOT, result.testFilePath)] = (result.perfStats.end - result.perfStats.start) / 1000;
    }
    mkdirSync(dirname(FILE), { recursive: true });
    writeFileSync(`${FILE}.tmp`, JSON.stringify(durations, null, 1));
    renameSync(`${FILE}.tmp`, FILE);
  }
}

module.exports = SlowestFirst;
