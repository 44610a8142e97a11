// @ts-check
/**
 * What the compiled program (bin/) and policy pack (policies/bin/) are built from, and a digest of it.
 * The build records the digest; the launchers compare it before they load compiled code, so a source
 * change is never run from a stale build. Plain JavaScript: it runs before anything is compiled.
 */
const { createHash } = require("node:crypto");
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");
/** Folders whose TypeScript the program or the pack compiles (tools/ and the testing tree are not shipped). */
const SOURCE_DIRS = ["components", "lib", "steps", "policies"];
/** The compiler's settings, which decide the output as much as the sources. */
const CONFIG_FILES = ["tsconfig.json", "tsconfig.build.json", "policies/tsconfig.build.json"];

/** @param {string} dir @returns {string[]} */
function tsFiles(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "bin" ? [] : tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every source file, relative to the repo root, sorted: the TypeScript at the root (index.ts, stack.ts, config.ts) included. */
function sourceFiles() {
  const rootFiles = readdirSync(ROOT).filter((name) => name.endsWith(".ts"));
  return [...CONFIG_FILES, ...rootFiles, ...SOURCE_DIRS.flatMap(tsFiles)].sort();
}

/** sha256 over each file's path and content. */
function sourceDigest() {
  const hash = createHash("sha256");
  for (const file of sourceFiles())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update("\0");
  return hash.digest("hex");
}

module.exports = { ROOT, sourceFiles, sourceDigest };
