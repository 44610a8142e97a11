/**
 * `deploy --app A --image I --config F --strategy S --ha=false --yes` (superfly/flyctl
 * internal/command/deploy; Fly docs reference/deployments). A release n+1 is recorded; groups with no
 * machine yet get one (two with --ha for groups that serve HTTP); groups gone from [processes] lose
 * their machines; existing machines are updated per strategy:
 *   rolling   - the process groups at the same time, each one machine at a time in ID order: stop,
 *               new config, start, wait for its check (updateUsingRollingStrategy)
 *   immediate - every machine at once, no health checks
 *   canary    - per group, one extra machine with the new config must pass its check (then is
 *               destroyed) before a rolling update
 *   bluegreen - a new (green) machine per changed machine; all must pass, then the old ones go
 * A machine whose image, env, guest, command and secrets are unchanged is left running. A failed
 * check ends the deploy (exit 1): machines already updated keep the new config, the rest the old; a
 * group whose update is under way finishes its machine, then starts no other.
 */
import { requireApp } from "./apps";
import { type CommandSpec, type Context, F } from "./cli";
import { FlyError } from "./errors";
import { loadAppConfig, processGroups } from "./flyToml";
import { type GroupSpec, groupSpec, launchForGroup, sameRuntime, updateInPlace } from "./rollout";
import { appMachines, secretsDigest } from "./machineEnv";
import { destroyMachine, healthCheckError, waitForCheck } from "./runtime";
import { type Machine, readState, update, updateMachine } from "./store";
import { isoNow } from "./time";

const STRATEGIES = ["rolling", "immediate", "canary", "bluegreen"];

export const deploy: CommandSpec = {
  key: "deploy",
  flags: [
    F.app,
    F.config,
    F.yes,
    F.detach,
    { name: "image", short: "i", type: "string" },
    { name: "strategy", type: "string" },
    { name: "ha", type: "bool" },
    { name: "update-only", type: "bool" },
    { name: "remote-only", type: "bool", notEmulated: true },
    { name: "local-only", type: "bool", notEmulated: true },
  ],
  minArgs: 0,
  maxArgs: 1,
  mutating: true,
  run: async (ctx) => {
    const { stateDir, parsed, out } = ctx;
    const configPath = parsed.strings.config ?? "fly.toml";
    const config = loadAppConfig(configPath);
    const appName = parsed.strings.app ?? config.app;
    requireApp(stateDir, appName);
    const name = appName as string;
    const image = parsed.strings.image;
    if (!image) throw new FlyError("fake-flyctl: building an image is not emulated; pass --image");
    const strategy = parsed.strings.strategy ?? config.strategy ?? "rolling";
    if (!STRATEGIES.includes(strategy)) {
      throw new FlyError(
        `error unsupported deployment strategy '${strategy}'; flyctl supports 'canary', 'rolling', 'bluegreen', or 'immediate'`,
      );
    }
    const ha = parsed.bools.ha ?? true;
    const updateOnly = parsed.bools["update-only"] ?? false;

    const release = update(stateDir, (state) => {
      const app = state.apps[name];
      const version = (app.releases.at(-1)?.version ?? 0) + 1;
      const r = { version, status: "running" as const, image, strategy, createdAt: isoNow(), config };
      app.releases.push(r);
      return r;
    });
    const finishRelease = (status: "complete" | "failed") =>
      update(stateDir, (state) => {
        const app = state.apps[name];
        const r = app?.releases.find((x) => x.version === release.version);
        if (r) r.status = status;
        if (app && status === "complete") {
          app.deployed = true;
          app.status = "deployed";
          for (const s of Object.values(app.secrets)) s.staged = false;
        }
      });

    out(`==> Verifying app config`);
    out(`--> Verified app config`);
    out(`==> Building image`);
    out(`Searching for image '${image}' remotely...`);
    out(`image found: ${image}`);
    out("");
    out(`Watch your deployment at https://fly.io/apps/${name}/monitoring`);
    out("");
    try {
      await rollout(ctx, name, config, image, strategy, { ha, updateOnly }, release.version);
    } catch (error) {
      finishRelease("failed");
      throw error;
    }
    finishRelease("complete");
    out(`Finished deploying`);
    out("");
    out(`Visit your newly deployed app at https://${name}.fly.dev/`);
  },
};

async function rollout(
  ctx: Context,
  name: string,
  config: ReturnType<typeof loadAppConfig>,
  image: string,
  strategy: string,
  { ha, updateOnly }: { ha: boolean; updateOnly: boolean },
  version: number,
): Promise<void> {
  const { stateDir, out } = ctx;
  const app = readState(stateDir).apps[name];
  const groups = processGroups(config);
  const specs = new Map(groups.map((g) => [g, groupSpec(config, g, image, version)]));
  const existing = appMachines(app);
  const checks = strategy !== "immediate";

  // Groups that left [processes]: their machines go.
  const orphans = existing.filter((m) => !m.processGroup || !specs.has(m.processGroup));
  for (const m of orphans) {
    out(`  Destroying machine ${m.id} [${m.processGroup}]: its process group is no longer in the config`);
    await destroyMachine(stateDir, name, m.id);
  }

  // Every group without a machine gets its first ones, as flyctl's resolveProcessGroupChanges decides
  // from the machines alone (a group scaled to 0 too), unless --update-only.
  for (const group of updateOnly ? [] : groups) {
    const spec = specs.get(group) as GroupSpec;
    const have = existing.filter((m) => m.processGroup === group);
    if (have.length > 0) continue;
    const count = ha && spec.servesHttp ? 2 : 1;
    out(`Creating ${count} machine(s) for group '${group}'`);
    for (let i = 0; i < count; i++) await launchForGroup(ctx, name, spec, { checks });
  }

  const digest = secretsDigest(readState(stateDir).apps[name]);
  const toUpdate: Array<{ m: Machine; spec: GroupSpec }> = [];
  for (const m of existing) {
    const spec = m.processGroup ? specs.get(m.processGroup) : undefined;
    if (!spec) continue;
    if (sameRuntime(m, spec, digest) && m.state === "started") {
      // Nothing flyd would restart for: only the release metadata moves.
      updateMachine(stateDir, name, m.id, (x) => {
        x.config.metadata = spec.config.metadata;
      });
      out(`  Machine ${m.id} [${m.processGroup}] is up to date`);
      continue;
    }
    toUpdate.push({ m, spec });
  }
  if (toUpdate.length === 0) return;
  out(`Updating existing machines in '${name}' with ${strategy} strategy`);

  switch (strategy) {
    case "immediate":
      await Promise.all(toUpdate.map(({ m, spec }) => updateInPlace(ctx, name, m.id, spec, { checks: false })));
      return;
    case "canary": {
      const seen = new Set<string>();
      for (const { spec } of toUpdate) {
        if (seen.has(spec.group)) continue;
        seen.add(spec.group);
        out(`  Creating canary machine for group '${spec.group}'`);
        const canary = await launchForGroup(ctx, name, spec, { checks: false });
        const ok = !spec.check || (await waitForCheck(stateDir, name, canary.id));
        await destroyMachine(stateDir, name, canary.id);
        if (!ok) throw healthCheckError(canary.id, false);
      }
      // Then a rolling update (flyctl: case "canary", "rolling").
      await rolling(toUpdate, ({ m, spec }) => updateInPlace(ctx, name, m.id, spec, { checks: true }));
      return;
    }
    case "bluegreen": {
      out(`  Creating green machines`);
      const greens: Machine[] = [];
      try {
        for (const { spec } of toUpdate) greens.push(await launchForGroup(ctx, name, spec, { checks: false }));
        out(`  Waiting for all green machines to be healthy`);
        for (const g of greens) {
          if (!(await waitForCheck(stateDir, name, g.id))) throw healthCheckError(g.id, false);
        }
      } catch (error) {
        out(`  Rolling back: destroying green machines`);
        for (const g of greens) await destroyMachine(stateDir, name, g.id);
        throw error;
      }
      out(`  Destroying blue machines`);
      for (const { m } of toUpdate) await destroyMachine(stateDir, name, m.id);
      return;
    }
    default:
      await rolling(toUpdate, ({ m, spec }) => updateInPlace(ctx, name, m.id, spec, { checks }));
  }
}

type UpdateEntry = { m: Machine; spec: GroupSpec };

/**
 * flyctl's updateUsingRollingStrategy (internal/command/deploy/machines_deploymachinesapp.go): the
 * machines sorted by ID and grouped by process group; the groups run at the same time (a pool of
 * rollingStrategyMaxConcurrentGroups = 16, more than any app here has), each machine after machine.
 * The pool cancels on the first error: the other groups start no further machine.
 */
async function rolling(entries: UpdateEntry[], update: (entry: UpdateEntry) => Promise<void>): Promise<void> {
  const byGroup = new Map<string, UpdateEntry[]>();
  for (const entry of [...entries].sort((a, b) => (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0)))
    byGroup.set(entry.spec.group, [...(byGroup.get(entry.spec.group) ?? []), entry]);
  let failed = false;
  const results = await Promise.allSettled(
    [...byGroup.values()].map(async (group) => {
      for (const entry of group) {
        if (failed) return;
        await update(entry).catch((error: unknown) => {
          failed = true;
          throw error;
        });
      }
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}
