// @ts-check
/**
 * The order of test files in a mutant's run: fastest first, the reverse of the test command's order
 * (testing/jest/sequencer.js), so that a cheap test kills the mutant before a slow one starts. jest
 * runs every covering test of a mutant, whether one already failed or not (Stryker cannot bail jest).
 * Durations are only read here: a mutant's partial runs must not reorder the test command.
 */
const SlowestFirst = require("../jest/sequencer");

class FastestFirst extends SlowestFirst {
  /** @param {import("@jest/test-result").Test[]} tests */
  sort(tests) {
    return super.sort(tests).reverse();
  }

  cacheResults() {}
}

module.exports = FastestFirst;
