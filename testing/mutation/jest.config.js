/**
 * For Stryker: the unit project plus the step tests, which run the steps in-process against real
 * flyctl and the fake Fly API (the rest of the integration suite runs steps as child processes, which
 * Stryker cannot see). Each mutant runs the tests that cover it (perTest coverage).
 */
const path = require("node:path");
const { projects } = require("../../jest.config.js");

const unit = projects.find((project) => project.displayName === "unit");
module.exports = {
  ...unit,
  testMatch: [...unit.testMatch, "<rootDir>/tests/integration/steps.test.ts"],
  rootDir: path.resolve(__dirname, "../.."),
  testSequencer: path.join(__dirname, "fastestFirst.js"),
  testEnvironment: path.join(__dirname, "bailEnvironment.js"),
};
