/**
 * How the bench measures a command: wall time, exit code, output, CPU time and the peak resident memory
 * of the whole process tree (the command and every descendant, summed), sampled from /proc every 100 ms.
 * Processes whose command line matches a label are also tracked on their own (e.g. the policy pack).
 * CPU time (user + system of the command and the descendants it waited for, GNU time's %U + %S) moves
 * less than wall time when another job shares the machine: both are reported.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Measured {
  seconds: number;
  /** User + system CPU seconds of the tree (NaN without /usr/bin/time). */
  cpu: number;
  code: number;
  output: string;
  /** Peak of the summed RSS of the command's process tree, MB (0 when /proc is not readable). */
  peakMb: number;
  /** Peak summed RSS of the processes each label matched, MB. */
  peakMbOf: Record<string, number>;
  /** CPU seconds (user + system) of the processes each label matched, as last sampled (up to 100 ms short). */
  cpuOf: Record<string, number>;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Slope of log(t) against log(n) between two points: 1.0 is linear growth. */
export const logSlope = (n1: number, t1: number, n2: number, t2: number): number => Math.log(t2 / t1) / Math.log(n2 / n1);

const PAGE = 4096;
const GNU_TIME = "/usr/bin/time";
let timeFiles = 0;

interface Proc {
  ppid: number;
  rssBytes: number;
  /** utime + stime, clock ticks. */
  cpuTicks: number;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function processes(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces and parentheses): state ppid ... rss is field 24.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      all.set(Number(entry), {
        ppid: Number(fields[1]),
        rssBytes: Number(fields[21]) * PAGE,
        cpuTicks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return all;
}

function sample(
  root: number,
  labels: Record<string, RegExp>,
  ticksOf: Record<string, Map<number, number>>,
): { total: number; byLabel: Record<string, number> } {
  const all = processes();
  const children = new Map<number, number[]>();
  for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const byLabel: Record<string, number> = Object.fromEntries(Object.keys(labels).map((k) => [k, 0]));
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    const p = all.get(pid);
    if (!p) continue;
    total += p.rssBytes;
    if (Object.keys(labels).length > 0) {
      let cmdline = "";
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      } catch {
        // gone
      }
      for (const [label, pattern] of Object.entries(labels)) {
        if (!pattern.test(cmdline)) continue;
        byLabel[label] += p.rssBytes;
        ticksOf[label].set(pid, p.cpuTicks);
      }
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return { total, byLabel };
}

/** Runs a command (no shell) and measures it. */
export function measure(
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string; labels?: Record<string, RegExp>; stdin?: string },
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const labels = opts.labels ?? {};
    const timeFile = join(tmpdir(), `chatwoot-bench-time-${process.pid}-${timeFiles++}`);
    const [file, argv] = existsSync(GNU_TIME) ? [GNU_TIME, ["-f", "%U %S", "-o", timeFile, command, ...args]] : [command, args];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => chunks.push(d));
    child.stdin.end(opts.stdin ?? "");
    let peak = 0;
    const peakOf: Record<string, number> = Object.fromEntries(Object.keys(labels).map((k) => [k, 0]));
    const ticksOf: Record<string, Map<number, number>> = Object.fromEntries(Object.keys(labels).map((k) => [k, new Map()]));
    const tick = () => {
      if (child.pid === undefined) return;
      const s = sample(child.pid, labels, ticksOf);
      peak = Math.max(peak, s.total);
      for (const k of Object.keys(labels)) peakOf[k] = Math.max(peakOf[k], s.byLabel[k]);
    };
    const timer = setInterval(tick, 100);
    child.on("error", (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearInterval(timer);
      const mb = (bytes: number) => bytes / 2 ** 20;
      let cpu = NaN;
      if (existsSync(timeFile)) {
        // The last line: GNU time puts "Command exited with non-zero status" before it.
        const [user, sys] = readFileSync(timeFile, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
        cpu = user + sys;
        rmSync(timeFile, { force: true });
      }
      resolve({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        cpu,
        code: code ?? 1,
        output: Buffer.concat(chunks).toString("utf8"),
        peakMb: mb(peak),
        peakMbOf: Object.fromEntries(Object.entries(peakOf).map(([k, v]) => [k, mb(v)])),
        cpuOf: Object.fromEntries(
          Object.entries(ticksOf).map(([k, pids]) => [k, [...pids.values()].reduce((a, b) => a + b, 0) / TICKS_PER_SECOND]),
        ),
      });
    });
  });
}
