// StrykerJS over the product's logic: lib/, policies/, steps/ and components/, against the unit suite.
// `npm run mutation` runs it (scripts/mutation.sh); docs/testing.md explains the report.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  // The two entry points only start things (a gRPC server, signal handlers) and call into modules
  // that are mutated; the engine and child-process tests run them, where Stryker cannot see.
  mutate: ["lib/**/*.ts", "policies/*.ts", "steps/**/*.ts", "components/**/*.ts", "!policies/index.ts", "!steps/main.ts"],
  testRunner: "jest",
  jest: { projectType: "custom", configFile: "testing/mutation/jest.config.js", enableFindRelatedTests: false },
  coverageAnalysis: "perTest",
  // Static mutants (code that runs when a module loads: constants, schemas, tables) belong to no test,
  // so each would run the whole unit suite: 591 of them at 20-35 s each on 2 cores. They are reported
  // as Ignored with Stryker's reason and left out of the score (docs/testing.md).
  ignoreStatic: true,
  checkers: ["typescript"],
  tsconfigFile: "testing/mutation/tsconfig.json",
  // tested-log (testedLog.mjs) keeps each result as it comes, for a run cut off before its report.
  plugins: ["@stryker-mutator/*", "./testing/mutation/testedLog.mjs"],
  reporters: ["clear-text", "html", "json", "progress", "tested-log"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  incrementalFile: "reports/mutation/incremental.json",
  tempDirName: ".stryker-tmp",
  // The doubles' build cache (git-ignored; `current` is a symlink to a directory, which Stryker's
  // sandbox copy fails on): the sandbox's tests build the doubles they use themselves.
  ignorePatterns: ["testing/doubles/.build"],
  cleanTempDir: "always",
  thresholds: { high: 85, low: 70, break: null },
};
