// @ts-check
/** The policy pack's entry (policies/package.json `main`): policies/index.ts as compiled, never a stale build. */
require("./launch").ensureFreshBuild();
require("../policies/bin/policies/index.js");
