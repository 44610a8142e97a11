// @ts-check
/**
 * The Pulumi program's entry (Pulumi.yaml `main`): index.ts as compiled into bin/, never a stale build
 * (build/launch.js). It sits at the project root because the engine runs the program, and the command
 * provider runs the steps, in the directory of `main`; the steps' command line is relative to the root.
 */
require("./build/launch").ensureFreshBuild();
module.exports = require("./bin/index.js");
