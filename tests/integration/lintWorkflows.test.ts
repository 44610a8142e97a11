/**
 * scripts/lint-workflows.sh (actionlint, built from toolchain/actionlint): the test command lints the
 * repo's workflows with it, so it must fail on a broken workflow and pass a sound one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnCollect } from "../../testing/local/spawnCollect";
import { REPO } from "../support/configs";

// A cold cache builds actionlint first (about a minute and a half here); the test command builds it before jest.
jest.setTimeout(600_000);

const dir = mkdtempSync(join(tmpdir(), "lint-workflows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lint = (file: string, text: string) => {
  writeFileSync(join(dir, file), text);
  return spawnCollect("bash", [join(REPO, "scripts/lint-workflows.sh"), join(dir, file)], { cwd: REPO, env: process.env }).done;
};

/** A well-formed workflow with one job `check` of these steps (YAML lines, indented as steps). */
const oneJob = (...steps: string[]) =>
  [
    "on: pull_request",
    "permissions:",
    "  contents: read",
    "jobs:",
    "  check:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    ...steps,
    "",
  ].join("\n");

describe("scripts/lint-workflows.sh", () => {
  it("fails a broken workflow and names each fault", async () => {
    const run = await lint(
      "broken.yml",
      [
        "on: pull_request",
        "jobs:",
        "  preview:",
        "    runs-on: ubuntu-latest",
        "    needs: tests", // no such job
        "    steps:",
        "      - run: echo ${{ secrets.FLY_API_TOKEN }", // unterminated expression
        "      - uses: actions/checkout@v4", // actionlint knows the inputs of a tagged popular action
        "        with:",
        "          no-such-input: true",
        "",
      ].join("\n"),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('job "preview" needs job "tests" which does not exist');
    expect(run.stdout).toContain("unexpected EOF while lexing end marker }}");
    expect(run.stdout).toContain('input "no-such-input" is not defined in action "actions/checkout');
  });

  it("checks run: scripts with shellcheck", async () => {
    // Unquoted: word splitting and globbing.
    const run = await lint("unquoted.yml", oneJob("      - run: rm -rf $TARGET/build"));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /shellcheck reported issue in this script: SC2086:info:1:8: Double quote to prevent globbing and word splitting/,
    );
  });

  it("passes a sound workflow", async () => {
    const run = await lint(
      "sound.yml",
      oneJob("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", '      - run: echo "ok"'),
    );
    expect(run.stdout).toBe("");
    expect(run.code).toBe(0);
  });
});
