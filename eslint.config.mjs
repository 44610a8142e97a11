// Lint: typescript-eslint (type-aware for the program) and @pulumi/eslint-plugin, which flags Outputs
// inside template literals (they render as "Calling [toString] on an Output<T> is not supported").
// The module boundaries of the tree are rules here, so a breach fails `npm test`.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/** The testing tree (doubles, harness, bench) and the tests: never imported by what users run. */
const TESTING = { regex: "(^|/)(testing|tests)/", message: "product code and user tools never import the testing tree" };
const PULUMI = {
  group: ["@pulumi/*"],
  message: "pure logic and step scripts run without the Pulumi SDK (lib/ and steps/ are plain modules)",
};

const LIB_ONLY = "lib/ is the bottom layer: it imports only lib/";

/** `no-restricted-imports` with these patterns for these files. */
const boundary = (files, ...patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });

export default tseslint.config(
  // .stryker-tmp/ holds the mutation run's sandbox copies of the repo (npm run mutation), reports/ its output.
  {
    ignores: [
      "node_modules/",
      "policies/node_modules/",
      "bin/",
      "testing/doubles/.build/",
      "coverage/",
      ".stryker-tmp/",
      "reports/",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // Each file matches one boundary: a later `no-restricted-imports` would replace, not add to, an earlier one.
  boundary(["lib/*.ts"], PULUMI, TESTING, { regex: "^\\.\\./", message: LIB_ONLY }),
  boundary(["lib/*/**/*.ts"], PULUMI, TESTING, { regex: "^\\.\\./\\.\\./", message: LIB_ONLY }),
  boundary(["steps/**/*.ts"], PULUMI, TESTING, {
    regex: "^\\.\\./(?!lib/)",
    message: "steps/ imports only lib/ (its inputs and results are typed in lib/stepContract.ts)",
  }),
  boundary(["provider/**/*.ts"], TESTING, {
    regex: "^\\.\\./(?!lib/)",
    message: "provider/ imports only lib/: its resources are typed in lib/flyResources.ts, and it runs steps/ as processes",
  }),
  boundary(["components/*.ts"], TESTING, {
    regex: "^\\.\\./(?!lib/)",
    message: "components/ imports only lib/: it reaches steps/ through lib/stepContract.ts, the provider through lib/flyResources.ts",
  }),
  boundary(["components/resources/*.ts"], TESTING, {
    regex: "^\\.\\./(?!\\.\\./lib/|flyStep$)",
    message: "components/resources/ imports only lib/ (the provider's contract is lib/flyResources.ts) and the components' FlyConnection",
  }),
  boundary(["policies/**/*.ts"], TESTING, {
    regex: "^\\.\\./(?!lib/)",
    message: "policies/ imports only lib/ (the plan and the rules the checker shares)",
  }),
  boundary(["*.ts", "tools/**/*.ts"], TESTING),
  boundary(["testing/doubles/**/*.ts"], {
    regex: "^(\\.\\./)+(lib|steps|components|policies|config|index)(/|$)",
    message: "a double answers what the real thing's source says, so it never imports the product",
  }),
);
