/**
 * `npm run bench`: prints figures (never pass/fail) and writes docs/benchmarks.md.
 *   1. the connection-budget model and rules on 1 to 1000 pools: time and memory, growth rate;
 *   2. the unit suite's wall time;
 *   3. engine overhead: warm `pulumi preview` of the staging stack (with and without the pack) against an
 *      empty program on the same engine, medians of interleaved runs;
 *   4. deploy cost per change on the local target (flyctl calls, restarts, peak pool clients, time),
 *      beside the incident's hand-run sequence replayed against the same stand-in.
 * Needs the toolchain on PATH (scripts/bench.sh sources scripts/env.sh).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { computeBudget, type BudgetInput } from "../../lib/budget";
import { evaluatePlan } from "../../lib/rules";
import { buildPlan } from "../../lib/plan";
import { validatePlain } from "../../lib/config/validate";
import { parse } from "yaml";
import { deployCost } from "./deployCost";

const REPO = join(__dirname, "..", "..");
const out: string[] = [];
const say = (line = "") => {
  process.stdout.write(`${line}\n`);
  out.push(line);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO): { seconds: number; code: number; output: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

function modelScale(): void {
  say("## 1. Connection-budget model and rules by number of pools");
  say("");
  say("| pools | median ms (5 runs) | heap MB | ms per pool |");
  say("| --- | --- | --- | --- |");
  const staging = parse(readFileSync(join(REPO, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> };
  const raw = Object.fromEntries(Object.entries(staging.config).map(([k, v]) => [k.replace(/^chatwoot:/, ""), v]));
  const plan = buildPlan(validatePlain(raw).config!);
  const rows: Array<[number, number]> = [];
  for (const n of [1, 10, 100, 1000]) {
    // n process groups, each on its own pool (a distinct pooler user), as generated configs would declare.
    const input: BudgetInput = {
      groups: Array.from({ length: n }, (_, i) => ({
        role: i % 2 ? "worker" : "web",
        machines: 1 + (i % 3),
        perMachine: 5,
        endpoint: { ...plan.endpoints.app, user: `app_${i}` },
      })),
      migration: { perMachine: 1, endpoint: plan.endpoints.migration },
      strategy: "bluegreen",
      limits: endpointLimitsOf(plan),
      poolerBackendsPerPool: 15,
      poolersShareDirectServer: true,
    };
    const times: number[] = [];
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    for (let run = 0; run < 5; run++) {
      const started = process.hrtime.bigint();
      const budget = computeBudget(input);
      evaluatePlan({ ...plan, budget });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    const ms = median(times);
    rows.push([n, ms]);
    say(`| ${n} | ${ms.toFixed(3)} | ${((heapPeak - heapBefore) / 1e6).toFixed(1)} | ${(ms / n).toFixed(4)} |`);
  }
  const [n1, t1] = rows[1];
  const [n2, t2] = rows[3];
  say("");
  say(
    `Growth from ${n1} to ${n2} pools: time x${(t2 / t1).toFixed(1)} for x${n2 / n1} pools (log-log slope ${(Math.log(t2 / t1) / Math.log(n2 / n1)).toFixed(2)}; 1.0 is linear).`,
  );
  const check = timed("node", ["-r", "ts-node/register/transpile-only", "tools/check/cli.ts", "Pulumi.staging.yaml"], process.env);
  say(`The checker CLI on Pulumi.staging.yaml, whole process (node + ts-node start included): ${check.seconds.toFixed(2)} s.`);
  say("");
}

function endpointLimitsOf(plan: ReturnType<typeof buildPlan>): BudgetInput["limits"] {
  const limit = (kind: string) => plan.budget.find((p) => p.kind === kind);
  const session = limit("session");
  const direct = limit("direct");
  return {
    session: session?.limit ? { limit: session.limit, source: session.limitSource } : undefined,
    transaction: undefined,
    direct: direct?.limit ? { limit: direct.limit, source: direct.limitSource } : undefined,
  };
}

function unitSuite(): void {
  say("## 2. Unit suite");
  say("");
  const run = timed("npx", ["jest", "--selectProjects", "unit", "--silent"], process.env);
  const tests = run.output.match(/Tests:\s+(.*)/)?.[1] ?? "?";
  say(`\`jest --selectProjects unit\`: ${run.seconds.toFixed(1)} s wall (${tests}), exit ${run.code}.`);
  say("");
}

function engineOverhead(): void {
  say("## 3. Engine overhead: warm `pulumi preview`, medians of 3 interleaved runs");
  say("");
  const tmp = mkdtempSync(join(tmpdir(), "chatwoot-bench-"));
  try {
    const env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${join(tmp, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "bench-throwaway",
      PULUMI_HOME: join(tmp, "home"),
    };
    mkdirSync(join(tmp, "state"));
    const project = join(tmp, "project");
    mkdirSync(project);
    copyFileSync(join(REPO, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
    const pulumi = (args: string[], cwd = REPO) => timed("pulumi", args, env, cwd);
    pulumi(["stack", "init", "bench", "--non-interactive", "-C", project]);
    const salt = readFileSync(join(project, "Pulumi.bench.yaml"), "utf8").match(/^encryptionsalt: .*$/m)?.[0] ?? "";
    const config = join(tmp, "staging.yaml");
    writeFileSync(config, `${readFileSync(join(REPO, "Pulumi.staging.yaml"), "utf8")}${salt}\n`);
    for (const [key, value] of [
      ["databasePassword", "bench-placeholder"],
      ["redisUrl", "rediss://default:bench@redis.example:6379"],
      ["secretKeyBase", "b".repeat(64)],
      ["flyApiToken", "bench-placeholder"],
    ]) {
      pulumi(["config", "set", "--secret", `chatwoot:${key}`, value, "--stack", "bench", "--config-file", config, "-C", REPO]);
    }
    // The floor: an empty TypeScript program on the same engine and language host.
    const empty = join(REPO, "tools/bench/empty");
    pulumi(["stack", "init", "bench-empty", "--non-interactive", "-C", empty]);
    const pack = process.env.CHATWOOT_POLICY_PACK ?? join(REPO, "policies");
    const variants: Record<string, () => ReturnType<typeof timed>> = {
      "empty program (floor)": () => pulumi(["preview", "--stack", "bench-empty", "-C", empty, "--non-interactive"]),
      "staging, no policy pack": () => pulumi(["preview", "--stack", "bench", "--config-file", config, "-C", REPO, "--non-interactive"]),
      "staging + policy pack": () =>
        pulumi(["preview", "--stack", "bench", "--config-file", config, "-C", REPO, "--non-interactive", "--policy-pack", pack]),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (const name of Object.keys(variants)) variants[name](); // warm-up
    for (let round = 0; round < 3; round++) {
      for (const [name, run] of Object.entries(variants)) {
        const result = run();
        if (result.code !== 0) throw new Error(`${name} failed:\n${result.output}`);
        times[name].push(result.seconds);
      }
    }
    const floor = median(times["empty program (floor)"]);
    say("| variant | median s | x floor |");
    say("| --- | --- | --- |");
    for (const [name, xs] of Object.entries(times)) say(`| ${name} | ${median(xs).toFixed(1)} | ${(median(xs) / floor).toFixed(2)} |`);
    const program = median(times["staging, no policy pack"]) - floor;
    const packCost = median(times["staging + policy pack"]) - median(times["staging, no policy pack"]);
    say("");
    say(
      `Where the time goes: the program and its plugins add ${program.toFixed(1)} s over the floor; the policy pack adds ${packCost.toFixed(1)} s.`,
    );
    pulumi(["stack", "rm", "bench-empty", "--yes", "--force", "-C", empty]);
    rmSync(join(empty, "Pulumi.bench-empty.yaml"), { force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  say("");
}

async function main(): Promise<void> {
  say("# Benchmarks");
  say("");
  say(
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}.`,
  );
  say("Figures, not verdicts: timings are medians or ratios taken side by side in one run.");
  say("");
  modelScale();
  unitSuite();
  engineOverhead();
  await deployCost(say);
  writeFileSync(join(REPO, "docs/benchmarks.md"), `${out.join("\n")}\n`);
  process.stdout.write("wrote docs/benchmarks.md\n");
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exitCode = 1;
});
