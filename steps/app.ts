/** Creates the Fly app or adopts it from the configured org (`fly apps create` is not idempotent). */
import { ENV, type AppRecord } from "../lib/stepContract";
import { log, requireEnv, result, stepContext } from "./context";
import { StepError } from "./flyctl";

interface ListedApp {
  Name?: string;
  name?: string;
}

export async function ensureApp(): Promise<void> {
  const { app, fly } = stepContext();
  const org = requireEnv(ENV.org);
  const apps = await fly.json<ListedApp[]>(["apps", "list", "--org", org, "--json"]);
  if (apps.some((a) => (a.Name ?? a.name) === app)) {
    log(`Fly app ${app} already exists in org ${org}: adopted`);
    const adopted: AppRecord = { name: app, org, adopted: true };
    result(adopted);
    return;
  }
  const args = ["apps", "create", app, "--org", org, "--json"];
  const created = await fly.run(args);
  if (created.code !== 0) {
    if (/Name has already been taken/i.test(created.stderr + created.stdout))
      throw new StepError(
        `Fly app name "${app}" belongs to another organization (it is not in "${org}"). Fix: choose another chatwoot:app.name, or set chatwoot:app.org to the org that owns it`,
      );
    throw fly.failure(args, created);
  }
  log(`created Fly app ${app} in org ${org}`);
  const record: AppRecord = { name: app, org, adopted: false };
  result(record);
}

export async function destroyApp(): Promise<void> {
  const { app, fly } = stepContext();
  if (process.env[ENV.destroyOnDelete] !== "true") {
    log(`left Fly app ${app} in place (chatwoot:app.destroyOnDelete is false)`);
    return;
  }
  const args = ["apps", "destroy", app, "--yes"];
  const destroyed = await fly.run(args);
  if (destroyed.code === 0) log(`destroyed Fly app ${app}`);
  // Deleted by hand already: nothing left to destroy. flyctl's own check for a missing app reads this
  // text (internal/command/machine/run.go: "Could not find App").
  else if (/Could not find App/.test(destroyed.stderr + destroyed.stdout)) log(`Fly app ${app} was already gone`);
  else throw fly.failure(args, destroyed);
}
