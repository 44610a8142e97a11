/**
 * The doubles that run as processes of their own, a machine's supervisor (fake-flyctl) and the stand-in
 * image's processes (fake-chatwoot), run compiled: under ts-node each start spent about 0.6 s of CPU
 * transpiling, and the test suites start hundreds of machines. `compiledDoubles` compiles them with tsc
 * (no type check: `npm test` type-checks) into .build/<digest of the sources>/ when the sources change,
 * and points .build/current at that build for the image's shell entry points (fake-chatwoot/image/bin).
 * A build is never stale: its directory is named by the digest of what it was compiled from.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DOUBLES_ROOT, REPO_ROOT } from "./fake-flyctl/src/paths";

const BUILD_DIR = path.join(DOUBLES_ROOT, ".build");
const PROJECT = path.join(DOUBLES_ROOT, "tsconfig.build.json");

export interface CompiledDoubles {
  /** The supervisor's entry (fake-flyctl/src/supervisor.ts), compiled. */
  supervisor: string;
}

/** Every input of the build: the doubles' TypeScript, both tsconfigs and the compiler's version. */
function sourceDigest(): string {
  const hash = createHash("sha256");
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.name !== ".build" && e.name !== "node_modules")
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
  const typescript = path.join(path.dirname(require.resolve("typescript/package.json", { paths: [REPO_ROOT] })), "package.json");
  for (const file of [...walk(DOUBLES_ROOT).sort(), PROJECT, path.join(REPO_ROOT, "tsconfig.json"), typescript]) {
    hash
      .update(`${path.relative(REPO_ROOT, file)}\0`)
      .update(fs.readFileSync(file))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Compiles into a private directory, then renames it into place; a concurrent build of the same digest wins alike. */
function build(target: string): void {
  const scratch = `${target}.${process.pid}.tmp`;
  fs.rmSync(scratch, { recursive: true, force: true });
  const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO_ROOT] });
  const run = spawnSync(process.execPath, [tsc, "-p", PROJECT, "--outDir", scratch], { cwd: REPO_ROOT, encoding: "utf8" });
  if (run.status !== 0) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(
      `the test doubles did not compile (tsc -p ${path.relative(REPO_ROOT, PROJECT)}, exit ${run.status}):\n${run.stdout}${run.stderr}`,
    );
  }
  try {
    fs.renameSync(scratch, target);
  } catch (error) {
    fs.rmSync(scratch, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw error;
  }
}

/** Points .build/current at `digest` (a symlink replaced by rename, so a reader never finds none). */
function makeCurrent(digest: string): void {
  const link = path.join(BUILD_DIR, "current");
  if (fs.existsSync(link) && fs.readlinkSync(link) === digest) return;
  const next = `${link}.${process.pid}`;
  fs.rmSync(next, { force: true });
  fs.symlinkSync(digest, next);
  fs.renameSync(next, link);
}

let compiled: CompiledDoubles | undefined;

/** The compiled doubles of the current sources, built first if needed (once per process). */
export function compiledDoubles(): CompiledDoubles {
  if (compiled) return compiled;
  const digest = sourceDigest();
  const target = path.join(BUILD_DIR, digest);
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  if (!fs.existsSync(target)) build(target);
  makeCurrent(digest);
  compiled = { supervisor: path.join(target, "fake-flyctl", "src", "supervisor.js") };
  return compiled;
}
