/**
 * The shipped build (build/): `npm run build` compiles the program and the pack and records the digest
 * of their sources; the launchers run compiled code only when it matches the working tree, and rebuild
 * (saying so) when it does not. Run in a temp copy of the sources, so the repository's bin/ is untouched.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../support/configs";

const COPIED = [
  "build",
  "index.ts",
  "stack.ts",
  "config.ts",
  "tsconfig.json",
  "tsconfig.build.json",
  "components",
  "lib",
  "steps",
  "policies",
];

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "chatwoot-build-"));
  for (const path of COPIED)
    cpSync(join(REPO, path), join(copy, path), {
      recursive: true,
      filter: (src) => !/\/(node_modules|bin)$/.test(src),
    });
  symlinkSync(join(REPO, "node_modules"), join(copy, "node_modules"));
  symlinkSync(join(REPO, "policies", "node_modules"), join(copy, "policies", "node_modules"));
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** Runs `ensureFreshBuild` as a launcher does; returns what it printed on stderr. */
function launch(): string {
  const run = spawnSync(process.execPath, ["-e", 'require("./build/launch").ensureFreshBuild()'], { cwd: copy, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`launcher failed: ${run.stderr}`);
  return run.stderr;
}

describe("build/", () => {
  it("npm run build compiles program and pack and records the sources' digest", () => {
    execFileSync(process.execPath, ["build/compile.js"], { cwd: copy, stdio: "pipe" });
    expect(existsSync(join(copy, "bin", "index.js"))).toBe(true);
    expect(existsSync(join(copy, "policies", "bin", "policies", "index.js"))).toBe(true);
    expect(JSON.parse(readFileSync(join(copy, "bin", "build-stamp.json"), "utf8")).digest).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it("a fresh build is run as it is", () => {
    expect(launch()).toBe("");
  });

  it("a changed source is rebuilt before anything runs, loudly", () => {
    appendFileSync(join(copy, "lib", "budget.ts"), "\nexport const BUILD_TEST_MARKER = 1;\n");
    expect(launch()).toContain("older than its sources; rebuilding");
    expect(readFileSync(join(copy, "bin", "lib", "budget.js"), "utf8")).toContain("BUILD_TEST_MARKER");
    expect(launch()).toBe("");
  }, 60_000);

  it("a change to the pack's sources rebuilds the pack too", () => {
    appendFileSync(join(copy, "policies", "planPolicies.ts"), "\nexport const PACK_TEST_MARKER = 1;\n");
    expect(launch()).toContain("rebuilding");
    expect(readFileSync(join(copy, "policies", "bin", "policies", "planPolicies.js"), "utf8")).toContain("PACK_TEST_MARKER");
  }, 60_000);

  it("a change to a root file of the program (stack.ts) rebuilds it too", () => {
    appendFileSync(join(copy, "stack.ts"), "\nexport const ROOT_TEST_MARKER = 1;\n");
    expect(launch()).toContain("rebuilding");
    expect(readFileSync(join(copy, "bin", "stack.js"), "utf8")).toContain("ROOT_TEST_MARKER");
  }, 60_000);

  it("a build that fails is an error naming the project, and leaves the old stamp", () => {
    const stamp = readFileSync(join(copy, "bin", "build-stamp.json"), "utf8");
    appendFileSync(join(copy, "lib", "budget.ts"), "\nexport const broken = ;\n");
    const run = spawnSync(process.execPath, ["-e", 'require("./build/launch").ensureFreshBuild()'], { cwd: copy, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("the build failed (tsc -p tsconfig.build.json");
    expect(readFileSync(join(copy, "bin", "build-stamp.json"), "utf8")).toBe(stamp);
  }, 60_000);
});

describe("build/defer.js (program.js defers what only function serialization needs)", () => {
  /** Runs a script in a fresh node beside the repo's node_modules; returns its last stdout line as JSON. */
  const node = (script: string) => {
    const run = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`node failed: ${run.stderr}`);
    return JSON.parse(run.stdout.trim().split("\n").pop() ?? "null");
  };
  const LOADED = `const loaded = (id) => Object.values(require.cache).some((m) => m.filename.includes(id) && !deferred.has(m.filename));`;

  it("loading @pulumi/pulumi leaves TypeScript and Arborist unloaded; a function serialization still gets them", () => {
    const result = node(`
      const { deferModules, deferred } = require("./build/defer");
      ${LOADED}
      deferModules();
      const pulumi = require("@pulumi/pulumi");
      const afterSdk = ["typescript/lib/typescript.js", "@npmcli/arborist/"].map(loaded);
      pulumi.runtime.serializeFunction(() => 6 * 7).then((s) =>
        console.log(JSON.stringify({ afterSdk, typescriptAfterSerializing: loaded("typescript/lib/typescript.js"), text: /6 \\* 7/.test(s.text) })));
    `);
    expect(result).toEqual({ afterSdk: [false, false], typescriptAfterSerializing: true, text: true });
  });

  it("without it, @pulumi/pulumi loads both (what the deferral saves)", () => {
    const result = node(`
      const deferred = new Set();
      ${LOADED}
      require("@pulumi/pulumi");
      console.log(JSON.stringify(["typescript/lib/typescript.js", "@npmcli/arborist/"].map(loaded)));
    `);
    expect(result).toEqual([true, true]);
  });
});
