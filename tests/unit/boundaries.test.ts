/**
 * The module boundaries of the tree (eslint.config.mjs) bite: each breach below is an error of
 * `no-restricted-imports`, and each allowed import is not. Linted as virtual files with the repo's own
 * config, minus type information (the files do not exist, so the project service cannot see them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { REPO } from "../support/configs";

/**
 * Lints one import per case in a child node (jest's VM cannot load the ESM config file) and returns
 * the `no-restricted-imports` messages of each.
 */
function restrictedImports(cases: [file: string, from: string][]): string[][] {
  const script = `
    const { ESLint } = require("eslint");
    const eslint = new ESLint({ overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: { "@pulumi/no-output-in-template-literal": "off", "@pulumi/no-output-instance-in-template-literal": "off" },
    } });
    (async () => {
      const out = [];
      for (const [file, from] of JSON.parse(process.argv[1])) {
        const [result] = await eslint.lintText("import * as m from " + JSON.stringify(from) + ";\\nexport const used = m;\\n", { filePath: file });
        const fatal = result.messages.find((m) => m.fatal);
        if (fatal) throw new Error(file + ": " + fatal.message);
        out.push(result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script, JSON.stringify(cases)], { cwd: REPO, encoding: "utf8" })) as string[][];
}

const BREACHES: [file: string, from: string, says: string][] = [
  ["lib/x.ts", "@pulumi/pulumi", "without the Pulumi SDK"],
  ["lib/config/x.ts", "@pulumi/pulumi", "without the Pulumi SDK"],
  ["steps/x.ts", "@pulumi/command", "without the Pulumi SDK"],
  ["lib/x.ts", "../components/flyStep", "imports only lib/"],
  ["lib/config/x.ts", "../../steps/migrate", "imports only lib/"],
  ["steps/x.ts", "../components/flyStep", "steps/ imports only lib/"],
  ["components/x.ts", "../steps/migrate", "through lib/stepContract.ts"],
  ["components/x.ts", "../config", "through lib/stepContract.ts"],
  ["policies/x.ts", "../components/chatwootDeployment", "policies/ imports only lib/"],
  ["policies/x.ts", "../steps/main", "policies/ imports only lib/"],
  ["index.ts", "./testing/local/localStack", "never import the testing tree"],
  ["tools/check/x.ts", "../../testing/doubles/fake-flyctl/src/store", "never import the testing tree"],
  ["components/x.ts", "../tests/support/configs", "never import the testing tree"],
  ["testing/doubles/fake-flyctl/src/x.ts", "../../../../lib/flyMachineSizes", "never imports the product"],
];

const ALLOWED: [file: string, from: string][] = [
  ["lib/x.ts", "./budget"],
  ["lib/config/x.ts", "../postgresUrl"],
  ["steps/x.ts", "../lib/stepContract"],
  ["components/x.ts", "../lib/stepContract"],
  ["components/x.ts", "@pulumi/pulumi"],
  ["policies/x.ts", "../lib/rules"],
  ["policies/x.ts", "@pulumi/policy"],
  ["tools/check/x.ts", "../../lib/plan"],
  ["testing/local/x.ts", "../../lib/plan"],
];

describe("module boundaries (eslint.config.mjs)", () => {
  const breaches = restrictedImports(BREACHES.map(([file, from]) => [file, from]));
  const allowed = restrictedImports(ALLOWED);

  it.each(BREACHES.map((c, i) => [...c, i] as const))("%s may not import %s", (_file, _from, says, i) => {
    expect(breaches[i]).toEqual(expect.arrayContaining([expect.stringContaining(says)]));
  });

  it.each(ALLOWED.map((c, i) => [...c, i] as const))("%s may import %s", (_file, _from, i) => {
    expect(allowed[i]).toEqual([]);
  });
});

describe("tests own their stack files", () => {
  // An operator's Pulumi.<stack>.yaml gains an encryption salt and secure values once they follow the
  // README; a test that reads or copies it breaks on their machine. Tests use tests/fixtures/ instead.
  it("no file of the testing tree or the tests names an operator's stack file", () => {
    const grep = spawnSync("git", ["grep", "-nE", "Pulumi\\.(staging|production[a-z.]*)\\.yaml", "--", "tests", "testing"], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(grep.status).toBe(1); // git grep: 1 = no match, 0 = matches
    expect(grep.stdout).toBe("");
  });
});
