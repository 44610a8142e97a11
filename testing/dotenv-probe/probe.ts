/**
 * flyctl's own `fly secrets import` parser, for tests: builds the probe (build.sh, cached) and runs a
 * batch of inputs through it in one process. See main.go for the protocol.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** What flyctl makes of one stdin: the secrets it would set, its parse error, or its crash. */
export type FlyctlParse = { secrets: Record<string, string> } | { error: string } | { panic: string };

const BUILD = join(__dirname, "build.sh");

/**
 * Builds (or finds cached) the probe and returns its path. Throws with build.sh's own words when Go or
 * the flyctl sources are missing, so a test fails loudly naming what is missing.
 */
export function buildProbe(): string {
  const run = spawnSync("bash", [BUILD], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`dotenv probe: cannot run ${BUILD}: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`dotenv probe: ${BUILD} failed (exit ${run.status}):\n${run.stderr.trim()}`);
  }
  const path = run.stdout.trim().split("\n").pop() ?? "";
  if (!path) throw new Error(`dotenv probe: ${BUILD} printed no binary path:\n${run.stderr.trim()}`);
  return path;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
/** Fatal UTF-8 decoding: a string compares equal only when flyctl's bytes were exactly its UTF-8 form. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const unb64 = (text: string) => utf8.decode(Buffer.from(text, "base64"));

interface RawResult {
  secrets?: [string, string][];
  error?: string;
  panic?: string;
}

/**
 * Parses every input (one whole stdin each, UTF-8) with flyctl's parser. Names and values come back
 * decoded from the exact bytes flyctl produced (bytes that are not UTF-8 throw), so comparing strings
 * compares bytes.
 */
export function parseWithFlyctl(probe: string, inputs: readonly string[]): FlyctlParse[] {
  const run = spawnSync(probe, [], {
    input: JSON.stringify(inputs.map(b64)),
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (run.error) throw new Error(`dotenv probe: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`dotenv probe exited ${run.status}: ${run.stderr.trim()}`);
  const results = JSON.parse(run.stdout) as RawResult[];
  if (results.length !== inputs.length) throw new Error(`dotenv probe answered ${results.length} of ${inputs.length} inputs`);
  return results.map((r): FlyctlParse => {
    if (r.panic !== undefined) return { panic: r.panic };
    if (r.error !== undefined) return { error: r.error };
    const secrets: Record<string, string> = Object.create(null);
    for (const [name, value] of r.secrets ?? []) secrets[unb64(name)] = unb64(value);
    return { secrets };
  });
}
