// @ts-check
/**
 * Modules that load at start-up but that a program run by the engine never uses. build/preload.js
 * defers them before the SDK's run harness starts (Pulumi.yaml `nodeargs`); what that saves of every
 * `pulumi preview` is measured in docs/development.md ("The build"):
 * - @pulumi/pulumi loads TypeScript, npm's Arborist and normalize-package-data for function
 *   serialization and code paths (runtime/closure: typescript-shim.js, codePaths.js), which this
 *   program never does, and its Automation API (index.js exports it);
 * - the harness (cmd/run/tracing.js) loads the OpenTelemetry SDK, exporter and gRPC instrumentation,
 *   which only `tracing.start` touches, when the engine asks for Zipkin tracing;
 * - the harness (cmd/run/index.js) requires source-map-support/register, whose only effect is a
 *   stack-trace hook that maps every trace the SDK takes (one per promise, one per resource) through
 *   the SDK's source maps. Nothing looks into the module, so it never loads and the hook is never
 *   installed: bin/ has no source maps, so our frames read the same, and an SDK frame in a crash's
 *   trace names the SDK's .js file rather than its .ts source;
 * - zod loads the messages of every language it speaks (`z.locales`), and uses English only unless
 *   told otherwise.
 * deferModules puts a stand-in for each into the module cache that loads the real module at its first
 * use, so a program that does use one still gets it. The pack's process is not touched: the engine
 * starts it with no node arguments of ours.
 */
const Module = require("node:module");
const { dirname } = require("node:path");

/**
 * @typedef {object} Deferred
 * @property {string} id module id, resolved from `from`'s directory
 * @property {string} from the package that requires it
 * @property {"namespace" | "default"} importedAs how its importer takes it, which decides how the
 *   stand-in answers `__esModule` (read first by tslib's helpers) without loading the module:
 *   "namespace" (`__importStar`, then named exports only): true, so the stand-in itself is kept
 *   rather than copied key by key; "default" (`__importDefault`, then called): undefined, so the
 *   importer wraps the stand-in, which calls the real export.
 */

/** @type {Deferred[]} */
const UNUSED_AT_START = [
  { id: "typescript", from: "@pulumi/pulumi", importedAs: "namespace" },
  { id: "@npmcli/arborist", from: "@pulumi/pulumi", importedAs: "namespace" },
  { id: "normalize-package-data", from: "@pulumi/pulumi", importedAs: "default" },
  { id: "@pulumi/pulumi/automation", from: "@pulumi/pulumi", importedAs: "namespace" },
  { id: "zod/v4/locales", from: "zod", importedAs: "namespace" },
  { id: "source-map-support/register", from: "@pulumi/pulumi", importedAs: "namespace" },
  ...[
    "@opentelemetry/resources",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/exporter-zipkin",
    "@opentelemetry/instrumentation-grpc",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/instrumentation",
  ].map((id) => /** @type {Deferred} */ ({ id, from: "@pulumi/pulumi", importedAs: "namespace" })),
];

/** Files whose cache entry is still a stand-in (for tests). @type {Set<string>} */
const deferred = new Set();

/**
 * @param {string} file the resolved file of the module
 * @param {Deferred} shape
 * @returns {object} exports that load the real module when first looked into or called
 */
function lazyExports(file, shape) {
  /** @type {any} */
  let real;
  const load = () => {
    if (real === undefined) {
      deferred.delete(file);
      delete require.cache[file];
      real = require(file);
    }
    return real;
  };
  const namespace = shape.importedAs === "namespace";
  // A callable target for a default import; an arrow function has no own key that the real exports
  // would have to report too (a Proxy invariant).
  return new Proxy(namespace ? {} : () => undefined, {
    get: (_target, key) => (key === "__esModule" && real === undefined ? namespace || undefined : Reflect.get(load(), key)),
    has: (_target, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
  });
}

/** The file a deferred module resolves to, from the package that requires it. @param {Deferred} shape */
function fileOf(shape) {
  return require.resolve(shape.id, { paths: [dirname(require.resolve(`${shape.from}/package.json`))] });
}

/** Defers UNUSED_AT_START as their packages resolve them; a module already loaded or absent is left alone. */
function deferModules() {
  for (const shape of UNUSED_AT_START) {
    let file;
    try {
      file = fileOf(shape);
    } catch {
      continue;
    }
    if (require.cache[file]) continue;
    const stub = new Module(file);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = lazyExports(file, shape);
    require.cache[file] = stub;
    deferred.add(file);
  }
}

module.exports = { deferModules, deferred, fileOf, UNUSED_AT_START };
