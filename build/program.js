// @ts-check
/** The Pulumi program's entry (Pulumi.yaml `main`): index.ts as compiled into bin/, never a stale build. */
require("./launch").ensureFreshBuild();
module.exports = require("../bin/index.js");
