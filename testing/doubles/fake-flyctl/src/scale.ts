/**
 * `scale count web=N worker=M --app A --yes` (superfly/flyctl internal/command/scale/count_machines.go):
 * needs a complete release; new machines copy the config of the group's first machine, or come from
 * the latest complete release when the group has none; extra machines are destroyed (killed) from the
 * front of the list; nothing to do prints "App already scaled to desired state. No need for changes".
 */
import { requireApp } from "./apps";
import { type CommandSpec, F } from "./cli";
import { FlyError } from "./errors";
import { processGroups } from "./flyToml";
import { type GroupSpec, groupSpec, launchForGroup } from "./rollout";
import { appMachines } from "./machineEnv";
import { destroyMachine } from "./runtime";

function parseCounts(args: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const arg of args) {
    const m = /^([^=]+)=(\d+)$/.exec(arg);
    if (!m) {
      if (/^[+-]?\d+$/.test(arg) || /=[+-]\d+$/.test(arg)) {
        throw new FlyError(`fake-flyctl: "scale count ${arg}" (a bare or relative count) is not emulated; use GROUP=N`);
      }
      throw new FlyError(`invalid count: ${arg}`);
    }
    counts.set(m[1], Number(m[2]));
  }
  return counts;
}

export const scaleCount: CommandSpec = {
  key: "scale count",
  flags: [
    F.app,
    F.config,
    F.yes,
    F.region,
    { name: "max-per-region", type: "string", notEmulated: true },
    { name: "process-group", short: "g", type: "string", notEmulated: true },
    { name: "group", type: "string", notEmulated: true },
  ],
  minArgs: 1,
  mutating: true,
  run: async (ctx) => {
    const { stateDir, parsed, out } = ctx;
    const app = requireApp(stateDir, parsed.strings.app);
    const counts = parseCounts(parsed.args);
    const release = [...app.releases].reverse().find((r) => r.status === "complete");
    if (!release) throw new FlyError("this app has no complete releases. Run `fly deploy` to create one and rerun this command");
    const known = processGroups(release.config);
    for (const group of counts.keys()) {
      if (!known.includes(group))
        throw new FlyError(`process group '${group}' not found in the app config; groups are: ${known.join(", ")}`);
    }
    const machines = appMachines(app);
    const plan: Array<{ group: string; delta: number; spec: GroupSpec; victims: string[] }> = [];
    for (const [group, want] of counts) {
      const have = machines.filter((m) => m.processGroup === group);
      const delta = want - have.length;
      if (delta === 0) continue;
      const spec =
        have.length > 0
          ? { ...groupSpec(release.config, group, have[0].config.image, release.version), config: structuredClone(have[0].config) }
          : groupSpec(release.config, group, release.image, release.version);
      plan.push({ group, delta, spec, victims: delta < 0 ? have.slice(0, -delta).map((m) => m.id) : [] });
    }
    if (plan.length === 0) {
      ctx.changed = false;
      out("App already scaled to desired state. No need for changes");
      return;
    }
    out(`App '${app.name}' is going to be scaled according to this plan:`);
    for (const p of plan) {
      const g = p.spec.config.guest;
      out(
        `${p.delta > 0 ? "+" : ""}${p.delta} machines for group '${p.group}' on region '${p.spec.region}' of size '${g.cpu_kind}-cpu-${g.cpus}x:${g.memory_mb}MB'`,
      );
    }
    if (!parsed.bools.yes) throw new FlyError("--yes flag must be specified when not running interactively");
    out("Executing scale plan");
    for (const p of plan) {
      for (let i = 0; i < p.delta; i++) {
        const m = await launchForGroup(ctx, app.name, p.spec, { checks: false });
        out(`  Created ${m.id} group:${p.group} region:${m.region}`);
      }
      for (const id of p.victims) {
        await destroyMachine(stateDir, app.name, id);
        out(`  Destroyed ${id} group:${p.group}`);
      }
    }
  },
};
