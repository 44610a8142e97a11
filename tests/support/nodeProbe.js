// @ts-check
/**
 * Loaded into every node process of a `pulumi preview` through NODE_OPTIONS (tests only): when the
 * process exits, writes to $NODE_PROBE_DIR/<pid>.json its entry script (argv[1] as node started it;
 * the harness rewrites argv later), the name of the stack-trace hook in place, and which modules of
 * build/defer.js are really loaded (not a stand-in).
 */
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");

const entry = process.argv[1] ?? "";
process.on("exit", () => {
  const { UNUSED_AT_START, deferred, fileOf } = require("../../build/defer");
  const loaded = UNUSED_AT_START.map(fileOf).filter((file) => require.cache[file] && !deferred.has(file));
  const hook = typeof Error.prepareStackTrace === "function" ? Error.prepareStackTrace.name : null;
  writeFileSync(join(process.env.NODE_PROBE_DIR ?? ".", `${process.pid}.json`), JSON.stringify({ entry, hook, loaded }));
});
