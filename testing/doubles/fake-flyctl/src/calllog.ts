/** calls.jsonl: one JSON line per invocation (appended at exit; lines are small, O_APPEND keeps them whole). */
import * as fs from "node:fs";
import * as path from "node:path";

export interface CallRecord {
  ts: string;
  argv: string[];
  command: string | null;
  mutating: boolean;
  /** false when a mutating command found nothing to change (scale count already at the counts). */
  changed?: boolean;
  exitCode: number;
  durationMs: number;
  fault?: string;
}

export function appendCall(dir: string, record: CallRecord): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(record) + "\n");
  } catch {
    // Logging must never change the outcome of a call.
  }
}

/** Every call logged so far, oldest first (tests and the local target read the log through this). */
export function readCalls(dir: string): CallRecord[] {
  const file = path.join(dir, "calls.jsonl");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CallRecord);
}
