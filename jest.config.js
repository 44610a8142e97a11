/** Two suites: unit (pure logic, mocked Pulumi runtime) and integration (real engine, PostgreSQL, PgBouncer). */
const tsJest = ["ts-jest", { diagnostics: false }];
module.exports = {
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
