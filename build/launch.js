// @ts-check
/**
 * Loads compiled code only when it was built from the sources in the working tree. A stale or
 * missing build is rebuilt first, and says so on stderr (Pulumi shows it with the run's output), so
 * a source change is never previewed or deployed from an older build.
 */
const { build, builtDigest } = require("./compile");
const { sourceDigest } = require("./sources");

function ensureFreshBuild() {
  if (builtDigest() === sourceDigest()) return;
  process.stderr.write("chatwoot-fly: the compiled program is missing or older than its sources; rebuilding (npm run build)\n");
  build();
}

module.exports = { ensureFreshBuild };
