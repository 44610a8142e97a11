/** Creates the Fly app or adopts it from the configured org (`fly apps create` is not idempotent). */
import { APP_MISSING, ENV, type AppMissing, type AppPresence, type AppRecord } from "../lib/stepContract";
import { log, requireEnv, result, stepContext, type StepContext } from "./context";
import { appMissing, StepError } from "./flyctl";

interface ListedApp {
  Name?: string;
  name?: string;
}

/** Whether the app is among the org's apps (`fly apps list` names each as Name or name). */
async function inOrg(ctx: StepContext, org: string): Promise<boolean> {
  const apps = await ctx.fly.json<ListedApp[]>(["apps", "list", "--org", org, "--json"]);
  return apps.some((a) => (a.Name ?? a.name) === ctx.app);
}

export async function ensureApp(): Promise<void> {
  const ctx = stepContext();
  const { app, fly } = ctx;
  const org = requireEnv(ENV.org);
  if (await inOrg(ctx, org)) {
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
  // Deleted by hand already: nothing left to destroy.
  else if (appMissing(destroyed)) log(`Fly app ${app} was already gone`);
  else throw fly.failure(args, destroyed);
}

/** Whether the app still exists in its org (CHATWOOT_FLY_ORG); changes nothing on Fly. */
export async function readApp(): Promise<void> {
  const ctx = stepContext();
  const org = requireEnv(ENV.org);
  const found: AppPresence | AppMissing = (await inOrg(ctx, org)) ? { name: ctx.app, org } : APP_MISSING;
  result(found);
}
