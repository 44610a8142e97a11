/** Where things are: the fake's own files, the stand-in image and the state directory. */
import * as fs from "node:fs";
import * as path from "node:path";
import { FlyError } from "./errors";

/**
 * testing/doubles, found from here in the source tree and in its compiled copy alike
 * (testing/doubles/.build/<digest>/fake-flyctl/src, testing/doubles/compiled.ts): the nearest
 * directory up that holds the stand-in image.
 */
function doublesRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "fake-chatwoot", "image"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`fake-flyctl: no testing/doubles directory above ${from}`);
  }
}

export const DOUBLES_ROOT = doublesRoot(__dirname);
export const REPO_ROOT = path.resolve(DOUBLES_ROOT, "..", "..");
/** The stand-in for every image: whatever the tag, machines run from here. */
export const IMAGE_DIR = path.join(DOUBLES_ROOT, "fake-chatwoot", "image");

/** FAKE_FLY_STATE_DIR, required: the whole "Fly.io" of a test lives there. */
export function stateDir(): string {
  const dir = process.env.FAKE_FLY_STATE_DIR;
  if (!dir) {
    throw new FlyError(
      "fake-flyctl: FAKE_FLY_STATE_DIR is not set; point it at a directory that holds the fake's state (state.json, calls.jsonl, faults.json)",
    );
  }
  return path.resolve(dir);
}

export function logsDir(dir: string): string {
  return path.join(dir, "logs");
}
