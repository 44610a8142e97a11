/**
 * Building blocks of deploys, secret restarts and scaling: the machine config a release gives a
 * process group, launching a machine for a group, updating one in place (stop, new config, start,
 * health check) and restarting every started machine of an app one by one.
 */
import type { Context } from "./cli";
import { commandFor, guestFor, httpServiceFor } from "./flyToml";
import { appMachines, event, isPlatformMachine } from "./machineEnv";
import { createMachine, freePort, healthCheckError, startMachine, stopMachine, waitForCheck } from "./runtime";
import { type AppConfig, type HttpCheck, type Machine, type MachineConfig, getMachine, readState, updateMachine } from "./store";
import { isoNow } from "./time";

export interface GroupSpec {
  group: string;
  config: MachineConfig;
  check: HttpCheck | null;
  servesHttp: boolean;
  internalPort: number | null;
  killSignal: string;
  killTimeoutMs: number;
  region: string;
}

/** What `fly deploy` makes of a group: [processes] command, [env] + FLY_PROCESS_GROUP/PRIMARY_REGION, [[vm]], metadata. */
export function groupSpec(config: AppConfig, group: string, image: string, releaseVersion: number): GroupSpec {
  const hs = httpServiceFor(config, group);
  return {
    group,
    config: {
      image,
      env: { ...config.env, FLY_PROCESS_GROUP: group, PRIMARY_REGION: config.primaryRegion },
      guest: guestFor(config, group),
      metadata: {
        fly_platform_version: "v2",
        fly_process_group: group,
        fly_release_id: `rel_${releaseVersion}`,
        fly_release_version: String(releaseVersion),
        fly_flyctl_version: "fake",
      },
      init: { cmd: commandFor(config, group) },
      restart: { policy: "on-failure", max_retries: 10 },
    },
    check: hs && hs.checks.length > 0 ? hs.checks[0] : null,
    servesHttp: Boolean(hs),
    internalPort: hs ? hs.internalPort : null,
    killSignal: config.killSignal,
    killTimeoutMs: config.killTimeoutMs,
    region: config.primaryRegion,
  };
}

/**
 * Whether a machine already runs what the spec asks for: image, env, guest, command, restart policy,
 * HTTP check, stop signal/timeout and the app secrets it started with. Release metadata alone does
 * not make the fake restart a machine.
 */
export function sameRuntime(m: Machine, spec: GroupSpec, secretsDigest: string): boolean {
  const strip = (c: MachineConfig, check: HttpCheck | null, killSignal: string, killTimeoutMs: number) =>
    JSON.stringify({ image: c.image, env: c.env, guest: c.guest, cmd: c.init.cmd, restart: c.restart, check, killSignal, killTimeoutMs });
  return (
    strip(m.config, m.check, m.killSignal, m.killTimeoutMs) === strip(spec.config, spec.check, spec.killSignal, spec.killTimeoutMs) &&
    m.secretsDigest === secretsDigest
  );
}

/**
 * The port a machine's process listens on here. Fly routes to internal_port inside each VM; on one
 * host every web machine needs its own port, so the machine gets a free one as PORT. That stands for
 * internal_port only when the app listens where the config says (PORT unset or equal to it).
 */
export async function hostPortFor(spec: GroupSpec): Promise<number | null> {
  if (!spec.servesHttp || spec.internalPort === null) return null;
  const port = spec.config.env.PORT;
  if (port !== undefined && port !== String(spec.internalPort)) return null;
  return freePort();
}

/** Creates and starts a machine for a group, then waits for its check unless told not to. */
export async function launchForGroup(ctx: Context, appName: string, spec: GroupSpec, opts: { checks: boolean }): Promise<Machine> {
  const hostPort = await hostPortFor(spec);
  const m = createMachine(ctx.stateDir, {
    app: appName,
    region: spec.region,
    config: spec.config,
    processGroup: spec.group,
    hostPort,
    check: spec.check,
    killSignal: spec.killSignal,
    killTimeoutMs: spec.killTimeoutMs,
  });
  ctx.out(`  Machine ${m.id} [${spec.group}] was created`);
  await startMachine(ctx.stateDir, appName, m.id);
  if (opts.checks && spec.check && !(await waitForCheck(ctx.stateDir, appName, m.id))) throw healthCheckError(m.id, false);
  return m;
}

/** Stop, apply the new config (if any), start, wait for the check: one machine of a rolling update. */
export async function updateInPlace(
  ctx: Context,
  appName: string,
  id: string,
  spec: GroupSpec | null,
  opts: { checks: boolean },
): Promise<void> {
  const before = getMachine(ctx.stateDir, appName, id);
  if (!before) return;
  const label = `${id} [${before.processGroup ?? "-"}]`;
  ctx.out(`  Updating machine ${label}`);
  await stopMachine(ctx.stateDir, appName, id);
  let hostPort = before.hostPort;
  if (spec) {
    if (hostPort === null || !spec.servesHttp) hostPort = await hostPortFor(spec);
    const port = hostPort;
    updateMachine(ctx.stateDir, appName, id, (m) => {
      m.config = spec.config;
      m.hostPort = port;
      m.check = spec.check;
      m.killSignal = spec.killSignal;
      m.killTimeoutMs = spec.killTimeoutMs;
      m.events.unshift(event("update", "replacing", "user"));
      m.updatedAt = isoNow();
    });
  }
  await startMachine(ctx.stateDir, appName, id);
  const m = getMachine(ctx.stateDir, appName, id);
  if (opts.checks && m?.check && !(await waitForCheck(ctx.stateDir, appName, id))) throw healthCheckError(id, true);
  ctx.out(`  Machine ${label} update finished: success`);
}

/** A restart-only rollout (secrets without --stage): every started Fly-platform machine, one at a time. */
export async function restartMachines(ctx: Context, appName: string, opts: { skipChecks: boolean }): Promise<void> {
  const app = readState(ctx.stateDir).apps[appName];
  if (!app) return;
  const started = appMachines(app).filter((m) => isPlatformMachine(m) && (m.state === "started" || m.state === "starting"));
  ctx.out(`Updating existing machines in '${appName}' with rolling strategy`);
  for (const m of started) await updateInPlace(ctx, appName, m.id, null, { checks: !opts.skipChecks });
  ctx.out(`✔ Machines in '${appName}' restarted with the new secrets`);
}
