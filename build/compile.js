// @ts-check
/**
 * `npm run build` (also run by `npm ci`, through `prepare`): compiles the program into bin/ and the
 * policy pack into policies/bin/ with tsc, without type-checking (`npm test` type-checks), then
 * records the digest of the sources it compiled. One build at a time: the program and the pack start
 * together under `pulumi preview`, and both may find the build stale.
 */
const { spawnSync } = require("node:child_process");
const { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { ROOT, sourceDigest } = require("./sources");

const BIN = join(ROOT, "bin");
const STAMP = join(BIN, "build-stamp.json");
const LOCK = join(BIN, "build.lock");
const PROJECTS = ["tsconfig.build.json", "policies/tsconfig.build.json"];
/** A build takes seconds; a lock older than this was left by a killed build. */
const LOCK_STALE_MS = 120_000;

/** The digest the last completed build recorded, if any. */
function builtDigest() {
  try {
    return JSON.parse(readFileSync(STAMP, "utf8")).digest;
  } catch {
    return undefined;
  }
}

/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding the build lock (an O_EXCL file; a stale one is taken over). @param {() => void} fn */
function withLock(fn) {
  mkdirSync(BIN, { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      closeSync(openSync(LOCK, "wx"));
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(LOCK, { force: true });
      else if (Date.now() - started > LOCK_STALE_MS)
        throw new Error(`chatwoot-fly: waited ${LOCK_STALE_MS / 1000}s for the build lock ${LOCK}`);
      else sleep(100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Compiles both projects unless the recorded build already matches the sources. @returns {boolean} whether it compiled */
function build({ force = false } = {}) {
  let compiled = false;
  withLock(() => {
    const digest = sourceDigest();
    if (!force && builtDigest() === digest) return;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    for (const project of PROJECTS) {
      const run = spawnSync(process.execPath, [tsc, "-p", join(ROOT, project)], { cwd: ROOT, encoding: "utf8" });
      if (run.status !== 0)
        throw new Error(`chatwoot-fly: the build failed (tsc -p ${project}, exit ${run.status}):\n${run.stdout}${run.stderr}`);
    }
    writeFileSync(STAMP, `${JSON.stringify({ digest })}\n`);
    compiled = true;
  });
  return compiled;
}

module.exports = { build, builtDigest };

if (require.main === module) {
  try {
    const started = Date.now();
    build({ force: true });
    process.stderr.write(`build: program -> bin/, policy pack -> policies/bin/ in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  } catch (error) {
    process.stderr.write(`${/** @type {Error} */ (error).message}\n`);
    process.exitCode = 1;
  }
}
