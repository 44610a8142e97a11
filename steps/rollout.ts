/**
 * Rolls the image and the generated fly.toml out to every machine (`fly deploy`, which applies [[vm]]
 * memory and the staged secrets), and sets machine counts (`fly scale count` for the groups that
 * differ, after a `fly machine list`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countArgs, countChanges } from "../lib/counts";
import { ENV, type Counts, type RolloutRecord } from "../lib/stepContract";
import { jsonEnv, log, requireEnv, result, stepContext, type StepContext } from "./context";
import { listMachines } from "./machines";

export async function deploy(): Promise<void> {
  const ctx = stepContext();
  const image = requireEnv(ENV.image);
  const strategy = requireEnv(ENV.strategy);
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-fly-"));
  const config = join(dir, "fly.toml");
  try {
    writeFileSync(config, requireEnv(ENV.flyToml), { mode: 0o600 });
    log(`deploying ${image} to ${ctx.app} (strategy ${strategy})`);
    // --update-only: without it flyctl gives every process group that has no machine one
    // (internal/command/deploy/machines_deploymachinesapp.go, resolveProcessGroupChanges), so a group
    // set to 0 would run a machine, over the budget, until the scale step removes it. The scale step
    // creates what is missing, from this release's fly.toml [[vm]] (internal/command/scale).
    await ctx.fly.ok([
      "deploy",
      "--app",
      ctx.app,
      "--image",
      image,
      "--config",
      config,
      "--strategy",
      strategy,
      "--ha=false",
      "--update-only",
      "--yes",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const record: RolloutRecord = { image, strategy };
  result(record);
}

/** Machines per process group as Fly lists them (the migration machine has no group). */
async function currentCounts(ctx: StepContext): Promise<Counts> {
  const counts: Counts = {};
  for (const machine of await listMachines(ctx)) {
    const group = machine.config?.metadata?.fly_process_group;
    if (group) counts[group] = (counts[group] ?? 0) + 1;
  }
  return counts;
}

async function scaleTo(downOnly: boolean): Promise<void> {
  const ctx = stepContext();
  const target = jsonEnv<Counts>(ENV.counts);
  const changes = countArgs(countChanges(await currentCounts(ctx), target, downOnly));
  if (changes.length) await ctx.fly.ok(["scale", "count", ...changes, "--app", ctx.app, "--yes"]);
  log(changes.length ? `scaled ${ctx.app}: ${changes.join(" ")}` : `${ctx.app} needs no ${downOnly ? "scale-down" : "scaling"}`);
  result(target);
}

/** Sets every process group to its count (after the rollout). */
export const scale = () => scaleTo(false);

/** Lowers the groups above their count (before the migration): the budget's counts hold throughout. */
export const scaleDown = () => scaleTo(true);
