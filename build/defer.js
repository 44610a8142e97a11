// @ts-check
/**
 * @pulumi/pulumi, loaded by every SDK, loads TypeScript and npm's Arborist at start-up for function
 * serialization (runtime/closure: typescript-shim.js, codePaths.js), which this program never does:
 * about half a second of every `pulumi preview` here (docs/benchmarks.md, section 4). deferModules
 * puts a stand-in for each into the module cache that loads the real module at its first use, so a
 * program that does serialize a function still gets it. The pack's process is not touched.
 */
const Module = require("node:module");
const { dirname } = require("node:path");

/** Module ids @pulumi/pulumi requires at start-up but uses only to serialize functions. */
const SERIALIZATION_ONLY = ["typescript", "@npmcli/arborist"];

/** Files whose cache entry is still a stand-in (for tests). @type {Set<string>} */
const deferred = new Set();

/**
 * @param {string} file the resolved file of the module
 * @returns {object} exports that load the real module when first looked into
 */
function lazyExports(file) {
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
  return new Proxy(
    {},
    {
      // tslib's __importStar takes an ES module as it is, without listing its keys (which would load it).
      get: (_target, key) => (key === "__esModule" && real === undefined ? true : Reflect.get(load(), key)),
      has: (_target, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_target, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/** Defers SERIALIZATION_ONLY as @pulumi/pulumi resolves them; a module already loaded or absent is left alone. */
function deferModules() {
  const sdk = dirname(require.resolve("@pulumi/pulumi/package.json"));
  for (const id of SERIALIZATION_ONLY) {
    let file;
    try {
      file = require.resolve(id, { paths: [sdk] });
    } catch {
      continue;
    }
    if (require.cache[file]) continue;
    const stub = new Module(file);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = lazyExports(file);
    require.cache[file] = stub;
    deferred.add(file);
  }
}

module.exports = { deferModules, deferred };
