/**
 * Rolls the image and the generated fly.toml out to every machine (`fly deploy`, which applies [[vm]]
 * memory and the staged secrets), and sets machine counts (`fly scale count`, idempotent).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "../lib/commandEnv";
import { jsonEnv, log, requireEnv, result, stepContext } from "./context";

export async function deploy(): Promise<void> {
  const ctx = stepContext();
  const image = requireEnv(ENV.image);
  const strategy = requireEnv(ENV.strategy);
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-fly-"));
  const config = join(dir, "fly.toml");
  try {
    writeFileSync(config, requireEnv(ENV.flyToml), { mode: 0o600 });
    log(`deploying ${image} to ${ctx.app} (strategy ${strategy})`);
    await ctx.fly.ok(["deploy", "--app", ctx.app, "--image", image, "--config", config, "--strategy", strategy, "--ha=false", "--yes"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result({ image, strategy });
}

export async function scale(): Promise<void> {
  const ctx = stepContext();
  const counts = jsonEnv<Record<string, number>>(ENV.counts);
  const pairs = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, count]) => `${group}=${count}`);
  await ctx.fly.ok(["scale", "count", ...pairs, "--app", ctx.app, "--yes"]);
  log(`machine counts of ${ctx.app}: ${pairs.join(" ")}`);
  result(counts);
}
