/**
 * Jest's node environment, made to stop at a mutant's first failing test. Stryker cannot make jest
 * bail (its jest runner sets `bail: false`: jest has no programmatic bail), so a killed mutant would
 * still run every test that covers it, including the step tests against real flyctl (seconds each).
 * Once a test has failed under a mutant, the tests and describe blocks that follow are skipped: the
 * mutant is killed already. Stryker names the mutant in __STRYKER_ACTIVE_MUTANT__ for each mutant run
 * (@stryker-mutator/api INSTRUMENTER_CONSTANTS), and not during the dry run, where nothing is skipped.
 * The environment module stays loaded across test files of a run, so the mark carries over to them.
 */
const { TestEnvironment } = require("jest-environment-node");

const ACTIVE_MUTANT = "__STRYKER_ACTIVE_MUTANT__";
/** The mutant under which a test failed in this process. */
let killed;

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    await super.handleTestEvent?.(event, state);
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === "test_done" && event.test.errors.length > 0) killed = mutant;
    if (killed !== mutant) return;
    if (event.name === "run_describe_start") event.describeBlock.mode = "skip";
    if (event.name === "test_start") event.test.mode = "skip";
  }
}

module.exports = BailEnvironment;
