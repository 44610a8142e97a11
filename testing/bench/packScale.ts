/**
 * The policy pack on generated configs with 1, 10, 100 and 1000 pools, through the real engine:
 * testing/bench/pools registers N Deployment components with generated plans (testing/bench/poolPlans.ts),
 * previewed with and without the pack, interleaved; wall time, peak RSS of the process tree and of the
 * pack's own process, the pack's share (with minus without) and its log-log growth. At 1 and 1000 pools
 * also with an empty precompiled pack: the engine makes the same two gRPC calls per resource to any
 * pack (Remediate, Analyze), so the empty pack's CPU is the framework's floor and ours above it is
 * the pack's own work.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { BenchEngine, PACK, REPO } from "./engineEnv";
import { evaluatePlan } from "../../lib/rules";
import { logSlope, type Measured, median } from "./measure";
import { poolPlan } from "./poolPlans";
import { precompiledPack } from "./precompiled";

const POOLS = [1, 10, 100, 1000];
/** Pool counts also previewed with the empty pack. */
const FLOOR_POOLS = [1, 1000];
const ROUNDS = 3;
/**
 * The bench program is type-checked by nobody (transpile-only: its compile time is the same with and
 * without the pack), and the engine's per-step checkpoints are off: they serialize the whole snapshot
 * after every step, even in preview, which grows with N^2 and would drown the pack (measured once below).
 */
const ENV = { PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_SKIP_CHECKPOINTS: "true" };

export interface PackScaleFigures {
  shareAt: Record<number, number>;
  /** CPU seconds of the pack's own process, median, by number of pools. */
  packCpuAt: Record<number, number>;
  /** CPU seconds of the empty pack's process at 1 and 1000 pools, median. */
  emptyPackCpuAt: Record<number, number>;
  /** Peak RSS of the pack's own process at 1000 pools, MB. */
  packMbAt1000: number;
  marginalSlope: number;
  /** What the engine's default per-step checkpoints add at 1000 pools without the pack, s (one run). */
  checkpointsAt1000: number;
}

/** A pack process's CPU past its start-up: at 1000 pools less at 1 pool. */
export const pastStartUp = (cpu: Record<number, number>): number => cpu[1000] - cpu[1];

export async function packScale(say: (line?: string) => void): Promise<PackScaleFigures> {
  const engine = new BenchEngine();
  try {
    const program = join(REPO, "testing/bench/pools");
    const config = await engine.stack(program, "bench-pools");
    const emptyPack = precompiledPack(join(REPO, "testing/bench/empty-pack"), mkdtempSync(join(engine.tmp, "empty-pack-")));
    const packs = { none: undefined, ours: PACK, empty: emptyPack };
    type Pack = keyof typeof packs;
    const preview = async (n: number, pack: Pack, env: Record<string, string> = ENV): Promise<Measured> => {
      const result = await engine.preview(program, "bench-pools", config, {
        pack: packs[pack],
        env: { ...env, CHATWOOT_BENCH_POOLS: String(n) },
      });
      if (result.code !== 0) throw new Error(`preview of ${n} pools, pack ${pack}, failed:\n${result.output.slice(-4000)}`);
      return result;
    };
    const runs = new Map<string, Measured[]>();
    const add = (n: number, pack: Pack, m: Measured) => runs.set(`${n}/${pack}`, [...(runs.get(`${n}/${pack}`) ?? []), m]);
    await preview(1, "ours"); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of POOLS) {
        const variants: Pack[] = FLOOR_POOLS.includes(n) ? ["none", "ours", "empty"] : ["none", "ours"];
        for (const pack of variants) add(n, pack, await preview(n, pack));
      }
    }
    const med = (n: number, pack: Pack, f: (m: Measured) => number) => median((runs.get(`${n}/${pack}`) ?? []).map(f));
    const share = (n: number) => med(n, "ours", (m) => m.seconds) - med(n, "none", (m) => m.seconds);
    const cpuShare = (n: number) => med(n, "ours", (m) => m.cpu) - med(n, "none", (m) => m.cpu);
    say("## 5. Policy pack by number of pools (generated configs, real engine)");
    say("");
    say(
      `\`testing/bench/pools\`: N \`chatwoot:index:ChatwootDeployment\` components, each carrying a plan built by lib/plan.ts from a validated config with its own pool (project ref) and compute size, no Fly steps. Medians of ${ROUNDS} interleaved runs; program transpile-only and \`PULUMI_SKIP_CHECKPOINTS=true\` in both columns.`,
    );
    say("");
    say(
      "| pools | without pack s | with pack s | pack share s | share above 1 pool, ms per added pool | pack share, CPU s | pack process CPU s | peak tree RSS MB without / with | pack process peak RSS MB |",
    );
    say("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    const shareAt: Record<number, number> = {};
    const packCpuAt: Record<number, number> = {};
    for (const n of POOLS) {
      shareAt[n] = share(n);
      packCpuAt[n] = med(n, "ours", (m) => m.cpuOf.pack);
      const perPool = n === 1 ? "-" : (((shareAt[n] - shareAt[1]) / (n - 1)) * 1000).toFixed(1);
      say(
        `| ${n} | ${med(n, "none", (m) => m.seconds).toFixed(1)} | ${med(n, "ours", (m) => m.seconds).toFixed(1)} | ${shareAt[n].toFixed(1)} | ${perPool} | ${cpuShare(n).toFixed(1)} | ${packCpuAt[n].toFixed(2)} | ${med(n, "none", (m) => m.peakMb).toFixed(0)} / ${med(n, "ours", (m) => m.peakMb).toFixed(0)} | ${med(n, "ours", (m) => m.peakMbOf.pack).toFixed(0)} |`,
      );
    }
    const marginal = (n: number) => Math.max(shareAt[n] - shareAt[1], 1e-3);
    // Above the start-up the share is small at 10 pools (noise-sized): its growth is read from 100 to 1000.
    const marginalSlope = logSlope(100, marginal(100), 1000, marginal(1000));
    const packMb = (n: number) => med(n, "ours", (m) => m.peakMbOf.pack);
    say("");
    say(
      `Growth from 10 to 1000 pools (x100): pack share x${(shareAt[1000] / shareAt[10]).toFixed(2)} (log-log slope ${logSlope(10, shareAt[10], 1000, shareAt[1000]).toFixed(2)}: start-up dominates); ` +
        `share above the 1-pool start-up, from 100 to 1000 pools (x10), x${(marginal(1000) / marginal(100)).toFixed(1)} (slope ${marginalSlope.toFixed(2)}; 1.0 is linear; in CPU time slope ${logSlope(100, Math.max(cpuShare(100) - cpuShare(1), 1e-3), 1000, Math.max(cpuShare(1000) - cpuShare(1), 1e-3)).toFixed(2)}); ` +
        `preview without the pack x${(med(1000, "none", (m) => m.seconds) / med(10, "none", (m) => m.seconds)).toFixed(1)}; ` +
        `pack process memory x${(packMb(1000) / packMb(10)).toFixed(2)}.`,
    );
    const advisories = Array.from({ length: 1000 }, (_, i) => poolPlan(i)).filter((p) => evaluatePlan(p).length > 0).length;
    say(
      `${advisories} of the 1000 generated plans draw an advisory verdict (pool-headroom: a full session pool), so the pack's reporting is part of its share.`,
    );
    // The engine as it ships, at 1000 pools: once each, for scale.
    const plain = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
    const without = await preview(1000, "none", plain);
    const withPack = await preview(1000, "ours", plain);
    say(
      `With the engine's default per-step checkpoints (it serializes the whole snapshot after every step, also in preview), 1000 pools take ${without.seconds.toFixed(0)} s without the pack and ${withPack.seconds.toFixed(0)} s with it (one run each), against ${med(1000, "none", (m) => m.seconds).toFixed(0)} s and ${med(1000, "ours", (m) => m.seconds).toFixed(0)} s with \`PULUMI_SKIP_CHECKPOINTS=true\`.`,
    );
    say("");
    const emptyPackCpuAt = Object.fromEntries(FLOOR_POOLS.map((n) => [n, med(n, "empty", (m) => m.cpuOf.pack)]));
    say(
      `The pack's process past its start-up: its CPU time at 1000 pools less at 1 pool, ${pastStartUp(packCpuAt).toFixed(2)} s (${packCpuAt[1].toFixed(2)} s at 1 pool is start-up); ` +
        `an empty pack on the same previews, ${pastStartUp(emptyPackCpuAt).toFixed(2)} s (${emptyPackCpuAt[1].toFixed(2)} s at 1 pool, ${emptyPackCpuAt[1000].toFixed(2)} s at 1000): ` +
        `the engine calls every pack twice per resource (Remediate, Analyze), and @pulumi/policy's gRPC server decodes each call, whatever the pack holds. ` +
        `The pack's own work above that floor: ${(pastStartUp(packCpuAt) - pastStartUp(emptyPackCpuAt)).toFixed(2)} s. Its peak RSS at 1000 pools: ${packMb(1000).toFixed(0)} MB.`,
    );
    say("");
    return {
      shareAt,
      packCpuAt,
      emptyPackCpuAt,
      packMbAt1000: packMb(1000),
      marginalSlope,
      checkpointsAt1000: without.seconds - med(1000, "none", (m) => m.seconds),
    };
  } finally {
    engine.dispose();
  }
}
