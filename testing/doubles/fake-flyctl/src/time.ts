/** Sleeping, and Go's time.Duration text (flyctl's flags and messages use it). */

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread: only for the tiny waits of the state lock. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, Math.max(0, ms));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration: "600s", "10m", "1h2m3.5s", "250ms"; a bare "0" is allowed, other bare numbers are not. */
export function parseGoDuration(text: string): number {
  const fail = (why: string) => new Error(`time: ${why} "${text}"`);
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw fail("invalid duration");
  let total = 0;
  while (s.length > 0) {
    const num = /^(\d*)(\.\d*)?/.exec(s);
    if (!num || (num[1] === "" && (num[2] === undefined || num[2] === "."))) throw fail("invalid duration");
    s = s.slice(num[0].length);
    const unit = /^[^\d.]+/.exec(s);
    if (!unit) throw fail("missing unit in duration");
    const factor = UNITS[unit[0]];
    if (factor === undefined) throw new Error(`time: unknown unit "${unit[0]}" in duration "${text}"`);
    s = s.slice(unit[0].length);
    total += parseFloat(`${num[1] || "0"}${num[2] ?? ""}`) * factor;
  }
  return sign * total;
}

function trimFloat(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** Duration.String(): "10m0s", "2s", "1h0m0s", "1.5s", "250ms". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = rest >= 1 ? `${trimFloat(rest)}ms` : `${trimFloat(rest * 1000)}µs`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    out = `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${trimFloat(rest / 1000)}s`;
  }
  return neg ? `-${out}` : out;
}

/** Timestamps as the Machines API writes them. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
