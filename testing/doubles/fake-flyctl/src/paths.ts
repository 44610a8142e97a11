/** Where things are: the fake's own files, the stand-in image and the state directory. */
import * as path from "node:path";
import { FlyError } from "./errors";

export const FAKE_ROOT = path.resolve(__dirname, "..");
export const REPO_ROOT = path.resolve(FAKE_ROOT, "..", "..", "..");
/** The stand-in for every image: whatever the tag, machines run from here. */
export const IMAGE_DIR = path.resolve(FAKE_ROOT, "..", "fake-chatwoot", "image");
export const TSCONFIG = path.join(REPO_ROOT, "tsconfig.json");
export const TS_NODE_REGISTER = require.resolve("ts-node/register/transpile-only", { paths: [REPO_ROOT] });
export const SUPERVISOR = path.join(__dirname, "supervisor.ts");

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
