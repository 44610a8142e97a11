/**
 * Sets the machine count of each process group. Raising is `fly scale count`. Lowering stops the
 * machines that go first, then destroys them: `fly scale count` destroys running machines with
 * kill=true (flyctl internal/command/scale/count_machines.go), which gives Sidekiq no time to hand
 * its running jobs back; `fly machine stop` sends the machine's kill_signal and waits its
 * kill_timeout (fly.toml, lib/stopSettings.ts) before Fly kills it.
 */
import { countArgs, countChanges } from "../lib/counts";
import { groupCounts, processGroupOf, surplusMachines, type ListedMachine } from "../lib/machineOutput";
import { APP_MISSING, ENV, type Counts } from "../lib/stepContract";
import { jsonEnv, log, result, stepContext, type StepContext } from "./context";
import { listMachines, listMachinesOfApp } from "./machines";

async function retire(ctx: StepContext, machines: ListedMachine[]): Promise<void> {
  const ids = machines.map((m) => m.id);
  await ctx.fly.ok(["machine", "stop", ...ids, "--app", ctx.app]);
  // The stop returns once Fly has the request; the machine takes up to its kill_timeout.
  for (const id of ids) await ctx.fly.ok(["machine", "wait", id, "--app", ctx.app, "--state", "stopped"]);
  for (const id of ids) await ctx.fly.ok(["machine", "destroy", id, "--app", ctx.app, "--force"]);
}

async function scaleTo(downOnly: boolean): Promise<void> {
  const ctx = stepContext();
  const target = jsonEnv<Counts>(ENV.counts);
  const machines = await listMachines(ctx);
  const { lower, raise } = countChanges(groupCounts(machines, Object.keys(target)), target, downOnly);
  const done: string[] = [];
  for (const [group, count] of Object.entries(lower).sort(([a], [b]) => a.localeCompare(b))) {
    await retire(
      ctx,
      surplusMachines(
        machines.filter((m) => processGroupOf(m) === group),
        count,
      ),
    );
    done.push(`${group}=${count}`);
  }
  const raised = countArgs(raise);
  if (raised.length) await ctx.fly.ok(["scale", "count", ...raised, "--app", ctx.app, "--yes"]);
  done.push(...raised);
  log(done.length ? `scaled ${ctx.app}: ${done.join(" ")}` : `${ctx.app} needs no ${downOnly ? "scale-down" : "scaling"}`);
  result(target);
}

/** Sets every process group to its count (after the rollout). */
export const scale = () => scaleTo(false);

/** Lowers the groups above their count (before the migration): the budget's counts hold throughout. */
export const scaleDown = () => scaleTo(true);

/** How many machines each group of CHATWOOT_COUNTS runs now; changes nothing on Fly. */
export async function readCounts(): Promise<void> {
  const ctx = stepContext();
  const groups = Object.keys(jsonEnv<Counts>(ENV.counts));
  const machines = await listMachinesOfApp(ctx);
  result(machines === undefined ? APP_MISSING : groupCounts(machines, groups));
}
