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

/** Runs a script in a fresh node beside the repo's node_modules; returns its last stdout line as JSON. */
function node(script: string): unknown {
  const run = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`node failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() ?? "null");
}

describe("build/defer.js (build/preload.js defers, before the SDK's harness, what a program run by the engine never uses)", () => {
  /** Which of the deferred modules' files are really loaded (not a stand-in), by package-relative path. */
  const LOADED = `
    const { UNUSED_AT_START, fileOf } = require("./build/defer");
    const files = UNUSED_AT_START.map(fileOf);
    const loaded = (deferred) => files.filter((f) => require.cache[f] && !deferred.has(f)).map((f) => f.replace(/.*node_modules\\//, ""));`;
  /** What the harness (cmd/run/index.js, run.js) and the program load: the SDK, its tracing and source-map hook, zod. */
  const HARNESS_AND_PROGRAM = `
    const sdk = require("node:path").dirname(require.resolve("@pulumi/pulumi/package.json"));
    require(require.resolve("source-map-support/register", { paths: [sdk] }));
    require("@pulumi/pulumi/cmd/run/tracing");
    require("@pulumi/pulumi");
    require("zod");`;

  it("what the harness and the program load leaves every deferred module unloaded; each loads at its first use", () => {
    const result = node(`
      const { deferModules, deferred } = require("./build/defer");
      ${LOADED}
      deferModules();
      ${HARNESS_AND_PROGRAM}
      const pulumi = require("@pulumi/pulumi");
      const { z } = require("zod");
      const atStart = loaded(deferred);
      const hookAtStart = typeof Error.prepareStackTrace === "function" && Error.prepareStackTrace.name;
      (async () => {
        const serialized = await pulumi.runtime.serializeFunction(() => 6 * 7);
        const codePaths = await pulumi.runtime.computeCodePaths();
        z.config(z.locales.de());
        const german = z.string().safeParse(1).error.issues[0].message;
        z.config(z.locales.en());
        const workspace = typeof pulumi.automation.LocalWorkspace;
        // What tracing.start builds when the engine asks for Zipkin tracing.
        const { Resource } = require("@opentelemetry/resources");
        const service = new Resource({ "service.name": "probe" }).attributes["service.name"];
        const tracing = ["@opentelemetry/sdk-trace-base", "@opentelemetry/exporter-zipkin", "@opentelemetry/instrumentation-grpc", "@opentelemetry/sdk-trace-node", "@opentelemetry/instrumentation"]
          .map((id) => typeof Object.values(require(require.resolve(id, { paths: [sdk] })))[0]);
        // Looked into, the register module installs its hook, as it would have at start.
        Object.keys(require(require.resolve("source-map-support/register", { paths: [sdk] })));
        const hookAfter = Error.prepareStackTrace.name;
        console.log(JSON.stringify({ atStart, hookAtStart, text: /6 \\* 7/.test(serialized.text), codePaths: codePaths.size > 0, german, workspace, service, tracing, hookAfter, after: loaded(deferred).length }));
      })();
    `);
    expect(result).toEqual({
      atStart: [],
      hookAtStart: expect.not.stringMatching(/^prepareStackTrace$/),
      text: true,
      codePaths: true,
      german: expect.stringMatching(/Ungültige Eingabe/),
      workspace: "function",
      service: "probe",
      tracing: ["function", "function", "function", "function", "function"],
      hookAfter: "prepareStackTrace",
      after: 12,
    });
  });

  it("without it, the same loads them all and installs source-map-support's hook (what the deferral saves)", () => {
    const result = node(`
      ${LOADED}
      ${HARNESS_AND_PROGRAM}
      console.log(JSON.stringify({ loaded: loaded(new Set()).length, hook: Error.prepareStackTrace.name }));
    `);
    expect(result).toEqual({ loaded: 12, hook: "prepareStackTrace" });
  });
});
