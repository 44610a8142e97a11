/**
 * `npm run bench`: prints figures (never pass/fail) and writes docs/benchmarks.md.
 *   1. the connection-budget model and rules on 1 to 1000 pools: time and memory, growth rate;
 *   2. the test command as shipped against its serial baseline (about 50 minutes of the run);
 *   3. engine overhead: warm `pulumi preview` of the staging stack (with and without the pack, shipped and
 *      precompiled) against an empty program on the same engine, medians of interleaved runs;
 *   4. where preview time goes, from the engine's own trace;
 *   5. the policy pack through the engine on 1 to 1000 generated pools: time, memory, growth;
 *   6. deploy cost per change on the local target (flyctl calls, restarts, peak pool clients, time),
 *      beside the incident's hand-run sequence replayed against the same stand-in;
 *   7. targets met and missed.
 * Needs the toolchain on PATH (scripts/bench.sh sources toolchain/env.sh).
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { computeBudget, type BudgetInput } from "../../lib/budget";
import { evaluatePlan } from "../../lib/rules";
import type { DeploymentPlan } from "../../lib/plan";
import { deployCost } from "./deployCost";
import { REPO } from "./engineEnv";
import { engineOverhead } from "./engineOverhead";
import { logSlope, measure, median } from "./measure";
import { packScale } from "./packScale";
import { stagingPlan } from "./poolPlans";
import { targets } from "./targets";
import { testSuite } from "./testSuite";

const out: string[] = [];
const say = (line = "") => {
  process.stdout.write(`${line}\n`);
  out.push(line);
};

async function modelScale(): Promise<void> {
  say("## 1. Connection-budget model and rules by number of pools");
  say("");
  say("| pools | median ms (5 runs) | heap MB | ms per pool |");
  say("| --- | --- | --- | --- |");
  const plan = stagingPlan();
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
    `Growth from ${n1} to ${n2} pools: time x${(t2 / t1).toFixed(1)} for x${n2 / n1} pools (log-log slope ${logSlope(n1, t1, n2, t2).toFixed(2)}; 1.0 is linear).`,
  );
  const check = await measure("node", ["-r", "ts-node/register/transpile-only", "tools/check/cli.ts", "tests/fixtures/staging.yaml"], {
    env: process.env,
    cwd: REPO,
  });
  say(`The checker CLI on the staging stack file, whole process (node + ts-node start included): ${check.seconds.toFixed(2)} s.`);
  say("");
}

function endpointLimitsOf(plan: DeploymentPlan): BudgetInput["limits"] {
  const limit = (kind: string) => plan.budget.find((p) => p.kind === kind);
  const session = limit("session");
  const direct = limit("direct");
  return {
    session: session?.limit ? { limit: session.limit, source: session.limitSource } : undefined,
    transaction: undefined,
    direct: direct?.limit ? { limit: direct.limit, source: direct.limitSource } : undefined,
  };
}

/**
 * `npm run bench -- tests` runs only section 2, `-- preview` only sections 3 and 4, `-- pack` only
 * section 5, `-- deploy` only section 6, and prints them (docs/benchmarks.md is written by a full run).
 */
async function main(only = process.argv[2]): Promise<void> {
  if (only === "preview") {
    await engineOverhead(say);
    return;
  }
  if (only === "tests") {
    await testSuite(say);
    return;
  }
  if (only === "pack") {
    await packScale(say);
    return;
  }
  if (only === "deploy") {
    await deployCost(say);
    return;
  }
  if (only !== undefined)
    throw new Error(`unknown section ${JSON.stringify(only)}; expected none (all), "tests", "preview", "pack" or "deploy"`);
  say("# Benchmarks");
  say("");
  say(
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}.`,
  );
  say("Figures: timings are medians or ratios taken side by side in one run; section 7 holds them against the targets.");
  say("");
  await modelScale();
  const suite = await testSuite(say);
  const overhead = await engineOverhead(say);
  const pack = await packScale(say);
  const costs = await deployCost(say);
  targets(say, { overhead, suite, pack, costs });
  writeFileSync(join(REPO, "docs/benchmarks.md"), `${out.join("\n")}\n`);
  process.stdout.write("wrote docs/benchmarks.md\n");
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exitCode = 1;
});
