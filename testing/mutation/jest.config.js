/**
 * For Stryker: the unit project plus the integration tests that run product code in-process: the step
 * tests, against real flyctl and the fake Fly API, and the database component's preflight, against the
 * machine's PostgreSQL. The rest of the integration suite runs the program and the steps as child
 * processes, which Stryker cannot see. Each mutant runs the tests that cover it (perTest coverage).
 */
const path = require("node:path");
const { projects } = require("../../jest.config.js");

const unit = projects.find((project) => project.displayName === "unit");
module.exports = {
  ...unit,
  testMatch: [...unit.testMatch, "<rootDir>/tests/integration/steps.test.ts", "<rootDir>/tests/integration/databasePreflight.test.ts"],
  rootDir: path.resolve(__dirname, "../.."),
  testSequencer: path.join(__dirname, "fastestFirst.js"),
  testEnvironment: path.join(__dirname, "bailEnvironment.js"),
};
