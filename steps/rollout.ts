/**
 * Rolls the image and the generated fly.toml out to every machine (`fly deploy`, which applies [[vm]]
 * memory and the staged secrets). Machine counts are steps/counts.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupImages } from "../lib/machineOutput";
import { APP_MISSING, ENV, type ReleaseObservation, type RolloutRecord } from "../lib/stepContract";
import { log, requireEnv, result, stepContext } from "./context";
import { listMachinesOfApp } from "./machines";

export async function deploy(): Promise<void> {
  const ctx = stepContext();
  const image = requireEnv(ENV.image);
  const strategy = requireEnv(ENV.strategy);
  const dir = mkdtempSync(join(tmpdir(), "chatwoot-fly-"));
  const config = join(dir, "fly.toml");
  try {
    // Stryker disable next-line ObjectLiteral: the mkdtemp directory is 0700, so no one else reads the file whatever its mode
    writeFileSync(config, requireEnv(ENV.flyToml), { mode: 0o600 });
    log(`deploying ${image} to ${ctx.app} (strategy ${strategy})`);
    // --update-only when a group is set to 0 (components/flyRollout.ts): flyctl would give it a machine.
    const updateOnly = process.env[ENV.deployUpdateOnly] === "1" ? ["--update-only"] : [];
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
      ...updateOnly,
      "--yes",
    ]);
  } finally {
    // Stryker disable next-line BooleanLiteral: the step made the directory just before; force matters only for one that is gone
    rmSync(dir, { recursive: true, force: true });
  }
  const record: RolloutRecord = { image, strategy };
  result(record);
}

/** The images the app's process groups run now; changes nothing on Fly. */
export async function readRelease(): Promise<void> {
  const machines = await listMachinesOfApp(stepContext());
  const observed: ReleaseObservation | typeof APP_MISSING = machines === undefined ? APP_MISSING : { images: groupImages(machines) };
  result(observed);
}
