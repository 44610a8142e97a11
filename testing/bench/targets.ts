/** The "Targets" section: each target, met or missed, with the figures measured in this run. */
import type { Cost } from "./deployCost";
import { FASTEST, FLOOR, type OverheadFigures, SHIPPED } from "./engineOverhead";
import type { PackScaleFigures } from "./packScale";

const TARGET_RATIO = 1.5;

export function targets(say: (line?: string) => void, overhead: OverheadFigures, pack: PackScaleFigures, costs: Cost[]): void {
  const s = overhead.seconds;
  const fast = overhead.phases[FASTEST];
  const floor = s[FLOOR];
  const ratio = (name: string) => s[name] / floor;
  const verdict = (met: boolean) => (met ? "**met**" : "**missed**");
  const sec = (x: number) => x.toFixed(1);
  const standIn = fast["  of which resource plugin start"] / 1000;
  const spread = (name: string) => overhead.range[name].map((x) => `${(x / floor).toFixed(2)}x`).join(" to ");
  const borderline = (name: string) => overhead.range[name][0] / floor <= TARGET_RATIO && overhead.range[name][1] / floor > TARGET_RATIO;
  const saved = (from: string, to: string) => `${sec(s[from] - s[to])} s wall / ${sec(overhead.cpu[from] - overhead.cpu[to])} s CPU`;
  say("## 7. Targets");
  say("");
  say(
    `**Preview of staging with the policy pack within ${TARGET_RATIO}x of the empty program** (floor ${sec(floor)} s, so ${sec(TARGET_RATIO * floor)} s):`,
  );
  say("");
  say(
    `- As shipped: ${sec(s[SHIPPED])} s = ${ratio(SHIPPED).toFixed(2)}x, ${verdict(ratio(SHIPPED) <= TARGET_RATIO)} ` +
      `(in CPU time ${(overhead.cpu[SHIPPED] / overhead.cpu[FLOOR]).toFixed(2)}x).`,
  );
  say(
    `- Why (sections 3 and 4): both TypeScript entry points are compiled and type-checked by ts-node at every run (the program by @pulumi/pulumi's \`cmd/run\` ` +
      `unless \`PULUMI_NODEJS_TRANSPILE_ONLY\` or \`noCheck\` says otherwise; the pack by \`cmd/run-policy-pack\`, which always registers ts-node with type-checking), ` +
      `and the engine starts the pack before it runs the program, so the two start-ups add up.`,
  );
  say(
    `- What closes it: precompile both (tsc in the build or CI; Pulumi.yaml and PulumiPolicy.yaml \`typescript: false\` with \`main\` on the output): ` +
      `${sec(s[FASTEST])} s = ${ratio(FASTEST).toFixed(2)}x, ${verdict(ratio(FASTEST) <= TARGET_RATIO)} (in CPU time ${(overhead.cpu[FASTEST] / overhead.cpu[FLOOR]).toFixed(2)}x; ` +
      `its runs took ${spread(FASTEST)}${borderline(FASTEST) ? `, on both sides of ${TARGET_RATIO}x: borderline on this machine` : ""}). ` +
      `Precompiling the program alone saves ${saved("staging, no policy pack", "staging, precompiled program")}, the pack alone ${saved(SHIPPED, "staging + precompiled pack")}. ` +
      `Without a build step, \`PULUMI_NODEJS_TRANSPILE_ONLY=true\` (type-checking left to \`tsc --noEmit\` in CI) saves ${saved("staging, no policy pack", "staging, transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true)")} of the program's; the pack has no such switch.`,
  );
  say(
    `- What remains once precompiled is start-up: the pack's ${sec(fast["  of which policy pack start"] / 1000)} s before the program, ` +
      `node and @pulumi/pulumi in the program, and the command plugin's ${sec(standIn)} s, a ts-node stand-in here (the real plugin is a Go binary that cannot ` +
      `be built here). Without the stand-in's start-up the precompiled run would be ${sec(s[FASTEST] - standIn)} s = ${((s[FASTEST] - standIn) / floor).toFixed(2)}x ` +
      `(arithmetic, not measured). The floor is TypeScript too; precompiled it is ${sec(s["empty program, precompiled"])} s.`,
  );
  say("");
  const noop = costs.find((c) => c.change === "no-op");
  if (noop)
    say(
      `**No-op \`pulumi up\`: 0 mutating flyctl calls, 0 restarts**: ${verdict(noop.mutating === 0 && noop.restarts === 0)} (${noop.mutating} mutating, ${noop.restarts} restarts).`,
    );
  say("");
  const single = costs.filter((c) => c.affected !== undefined && c.change !== "no-op");
  const over = single.filter((c) => c.restarts > (c.affected ?? 0));
  const hand = costs.at(-1);
  say(
    `**Any single change restarts each affected machine at most once**: ${verdict(over.length === 0)} (restarts/machines: ${single
      .map((c) => `${c.change.replace(/ \(.*\)$/, "")} ${c.restarts}/${c.affected}`)
      .join(", ")}). The hand-run sequence restarted machines ${hand?.restarts ?? "?"} times in ${hand?.mutating ?? "?"} mutating calls.`,
  );
  say("");
  say(
    `**Policy pack by number of pools**: no target set. Its share is a fixed start-up (${sec(pack.shareAt[1])} s at 1 pool) plus ` +
      `${sec(pack.shareAt[1000] - pack.shareAt[1])} s at 1000 pools, growing with slope ${pack.marginalSlope.toFixed(2)} from 100 to 1000 pools (1.0 is linear). ` +
      `At 1000 pools the engine's default per-step checkpoints add ${sec(pack.checkpointsAt1000)} s to the preview without the pack (section 5).`,
  );
  say("");
}
