// @ts-check
/**
 * The SDK's run harness (cmd/run/index.js) registers source-map-support, which then rewrites every
 * stack trace the process takes, frame by frame. The SDK takes one for every promise it makes
 * (runtime/debuggable.js, kept for its leaked-promise report) and one per resource (resource.js,
 * the resource's source position): about 0.2 s of CPU per `pulumi preview` of the staging stack,
 * most of it on the program's critical path (docs/benchmarks.md, section 4). The only files it could
 * map are the SDK's own: bin/ is compiled without source maps, so our frames read the same either
 * way. plainStackTraces hands stack traces back to V8's own formatting; an SDK frame in a crash's
 * trace then names the SDK's .js file rather than its .ts source.
 */

/** Whether the hook installed is source-map-support's (its function is named prepareStackTrace). */
function sourceMapHookInstalled() {
  return typeof Error.prepareStackTrace === "function" && Error.prepareStackTrace.name === "prepareStackTrace";
}

/** Removes source-map-support's stack-trace hook, if the harness installed it; other hooks stay. */
function plainStackTraces() {
  if (sourceMapHookInstalled()) Error.prepareStackTrace = undefined;
}

module.exports = { plainStackTraces, sourceMapHookInstalled };
