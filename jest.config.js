/** Two suites: unit (pure logic, mocked Pulumi runtime) and integration (real engine, PostgreSQL, PgBouncer). */
const tsJest = ["ts-jest", { diagnostics: false }];
module.exports = {
  // Slowest suites first (recorded durations), so that parallel workers finish together.
  testSequencer: "<rootDir>/testing/jest/sequencer.js",
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      testMatch: ["<rootDir>/tests/unit/**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      testMatch: ["<rootDir>/tests/integration/**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
      slowTestThreshold: 60,
    },
  ],
};
