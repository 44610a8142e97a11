/** Two suites: unit (pure logic, mocked Pulumi runtime) and integration (real engine, PostgreSQL, PgBouncer). */
const tsJest = ["ts-jest", { diagnostics: false }];
// A mutation run's sandbox copy of the repo (testing/mutation/stryker.config.mjs) is not part of the tests.
const modulePathIgnorePatterns = ["<rootDir>/.stryker-tmp/"];
module.exports = {
  // Slowest suites first (recorded durations), so that parallel workers finish together.
  testSequencer: "<rootDir>/testing/jest/sequencer.js",
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      testMatch: ["<rootDir>/tests/unit/**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
      modulePathIgnorePatterns,
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      testMatch: ["<rootDir>/tests/integration/**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
      modulePathIgnorePatterns,
      slowTestThreshold: 60,
    },
  ],
};
