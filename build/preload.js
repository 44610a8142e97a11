// @ts-check
/**
 * Loaded by node before the SDK's run harness (Pulumi.yaml: runtime option `nodeargs`), so that what
 * the harness itself would load and never use is deferred too (build/defer.js); program.js, which the
 * harness loads after its own start-up, would be too late for that.
 */
require("./defer").deferModules();
