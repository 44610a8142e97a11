/**
 * Machine lifecycle as flyd does it, on local processes: create (state "created"), start (a detached
 * supervisor spawns the machine's command; "started"), stop (the kill_signal to the main process,
 * SIGKILL to its process group after kill_timeout; "stopped" with an exit event), destroy (kill and
 * remove), and the HTTP check a deploy waits for. Only 127.0.0.1 is ever contacted.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { FlyError } from "./errors";
import { instanceId, machineId, machineName } from "./ids";
import { compiledDoubles } from "../../compiled";
import { IMAGE_DIR, logsDir } from "./paths";
import { event, secretsDigest } from "./machineEnv";
import { type HttpCheck, type Machine, getMachine, pidAlive, update, updateMachine } from "./store";
import { isoNow, sleep } from "./time";

export const START_TIMEOUT_MS = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** What a new machine is made of; the rest of its record is filled at creation. */
export type NewMachine = Pick<
  Machine,
  "app" | "region" | "config" | "processGroup" | "hostPort" | "check" | "killSignal" | "killTimeoutMs" | "fault"
> & {
  name?: string;
};

export function createMachine(dir: string, input: NewMachine): Machine {
  const now = isoNow();
  const m: Machine = {
    id: machineId(),
    name: input.name || machineName(),
    app: input.app,
    state: "created",
    region: input.region,
    instanceId: "",
    createdAt: now,
    updatedAt: now,
    config: input.config,
    processGroup: input.processGroup,
    hostPort: input.hostPort,
    check: input.check,
    killSignal: input.killSignal,
    killTimeoutMs: input.killTimeoutMs,
    pid: null,
    supervisorPid: null,
    generation: 0,
    startedGeneration: 0,
    starts: 0,
    restarts: 0,
    policyRestarts: 0,
    stopRequested: false,
    secretsDigest: "",
    events: [event("launch", "created", "user")],
    ...(input.fault ? { fault: input.fault } : {}),
  };
  update(dir, (state) => {
    const app = state.apps[input.app];
    if (!app) throw new FlyError(`Could not find App "${input.app}"`);
    app.machines[m.id] = m;
  });
  return m;
}

/** Starts the machine's process through a new supervisor and waits until it is started. */
export async function startMachine(dir: string, app: string, id: string): Promise<Machine> {
  const generation = updateMachine(dir, app, id, (m, a) => {
    m.generation += 1;
    m.starts += 1;
    if (m.starts > 1) m.restarts += 1;
    m.state = "starting";
    m.stopRequested = false;
    m.pid = null;
    m.instanceId = instanceId();
    m.secretsDigest = secretsDigest(a);
    m.updatedAt = isoNow();
    return m.generation;
  });
  if (generation === undefined) throw new FlyError(`could not start machine ${id}: machine not found`);
  fs.mkdirSync(logsDir(dir), { recursive: true });
  const log = fs.openSync(path.join(logsDir(dir), `${id}.supervisor.log`), "a");
  const child = spawn(process.execPath, [compiledDoubles().supervisor, dir, app, id, String(generation)], {
    cwd: IMAGE_DIR,
    detached: true,
    stdio: ["ignore", log, log],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
  });
  fs.closeSync(log);
  child.unref();
  updateMachine(dir, app, id, (m) => {
    if (m.generation === generation && !m.supervisorPid) m.supervisorPid = child.pid ?? null;
  });
  return waitStarted(dir, app, id, generation);
}

export async function waitStarted(
  dir: string,
  app: string,
  id: string,
  generation: number,
  timeoutMs = START_TIMEOUT_MS,
): Promise<Machine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = getMachine(dir, app, id);
    const supervisorAlive = pidAlive(before?.supervisorPid);
    const m = getMachine(dir, app, id);
    if (!m) throw new FlyError(`machine ${id} was destroyed while starting`);
    if (m.startedGeneration >= generation && m.state !== "starting") return m;
    if (m.generation === generation && m.state === "starting" && m.supervisorPid && !supervisorAlive) {
      throw new FlyError(`machine ${id} failed to start: its supervisor exited (see ${path.join(logsDir(dir), `${id}.supervisor.log`)})`);
    }
    if (Date.now() > deadline) throw new FlyError(`timeout reached waiting for machine ${id} to start`);
    await sleep(50);
  }
}

function signal(pid: number | null | undefined, sig: NodeJS.Signals | number, group = false): void {
  if (!pid) return;
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // Already gone.
  }
}

function markStopped(dir: string, app: string, id: string, exitCode: number): void {
  updateMachine(dir, app, id, (m) => {
    if (m.state === "stopped") return;
    m.state = "stopped";
    m.events.unshift(
      event("exit", "stopped", "flyd", {
        exit_event: {
          exit_code: exitCode,
          oom_killed: false,
          requested_stop: true,
          restarting: false,
          guest_exit_code: exitCode,
          exited_at: isoNow(),
        },
        restart_count: m.policyRestarts,
      }),
    );
    m.pid = null;
    m.supervisorPid = null;
    m.updatedAt = isoNow();
  });
}

/**
 * Stops a machine like flyd: kill_signal to the main process (not its children, as Fly's init does),
 * SIGKILL to its whole process group after kill_timeout, and waits for the supervisor to record the
 * exit. `kill` skips the grace period (destroy --force, scale down, apps destroy).
 */
export async function stopMachine(dir: string, app: string, id: string, opts: { kill?: boolean } = {}): Promise<void> {
  const first = updateMachine(dir, app, id, (m) => {
    if (m.state === "stopped" || m.state === "created") return { ...m };
    m.stopRequested = true;
    if (m.state !== "destroying") m.state = "stopping";
    m.events.unshift(event(opts.kill ? "kill" : "stop", "stopping", "user"));
    m.updatedAt = isoNow();
    return { ...m };
  });
  if (!first || first.state === "stopped" || first.state === "created") return;
  const sig = (opts.kill ? "SIGKILL" : first.killSignal) as NodeJS.Signals;
  const signalled = new Set<number>();
  let deadline = Date.now() + (opts.kill ? 0 : first.killTimeoutMs);
  let escalated = false;
  for (;;) {
    const m = getMachine(dir, app, id);
    if (!m || m.state === "stopped") return;
    if (m.pid && !signalled.has(m.pid)) {
      signalled.add(m.pid);
      if (opts.kill) signal(m.pid, "SIGKILL", true);
      signal(m.pid, sig);
    }
    const supervisorGone = !pidAlive(m.supervisorPid);
    if (supervisorGone && !pidAlive(m.pid)) {
      // The supervisor died (or was killed) before recording the exit: record it here.
      signal(m.pid, "SIGKILL", true);
      markStopped(dir, app, id, opts.kill ? 137 : 0);
      return;
    }
    if (Date.now() > deadline) {
      if (!escalated) {
        escalated = true;
        signal(m.pid, "SIGKILL", true);
        signal(m.pid, "SIGKILL");
        deadline = Date.now() + 5000;
      } else {
        signal(m.supervisorPid, "SIGKILL");
        signal(m.pid, "SIGKILL", true);
        markStopped(dir, app, id, 137);
        return;
      }
    }
    await sleep(25);
  }
}

/** Kills the machine (if running) and removes it, as `machine destroy --force` does. */
export async function destroyMachine(dir: string, app: string, id: string): Promise<void> {
  const pids = updateMachine(dir, app, id, (m) => {
    m.stopRequested = true;
    m.events.unshift(event("destroy", "destroying", "user"));
    return [m.supervisorPid, m.pid];
  });
  await stopMachine(dir, app, id, { kill: true });
  const m = getMachine(dir, app, id);
  const [supervisor, main] = [m?.supervisorPid ?? pids?.[0] ?? null, m?.pid ?? pids?.[1] ?? null];
  // Return only once nothing of the machine runs any more (its supervisor exits right after the exit event).
  const deadline = Date.now() + 5000;
  while ((pidAlive(supervisor) || pidAlive(main)) && Date.now() < deadline) await sleep(20);
  signal(supervisor, "SIGKILL");
  signal(main, "SIGKILL", true);
  update(dir, (state) => {
    const a = state.apps[app];
    if (a) delete a.machines[id];
  });
}

function httpStatus(port: number, check: HttpCheck, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: check.path, method: check.method, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end();
  });
}

export function checkTimeoutMs(): number {
  const raw = Number(process.env.FAKE_FLY_CHECK_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : 30_000;
}

/** Waits for the machine's HTTP check to answer 200 (true), or for the grace period to end (false). */
export async function waitForCheck(dir: string, app: string, id: string, timeoutMs = checkTimeoutMs()): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = getMachine(dir, app, id);
    if (!m) return false;
    if (!m.check || !m.hostPort) return true;
    if (m.state === "started") {
      const status = await httpStatus(m.hostPort, m.check, Math.min(2000, Math.max(100, deadline - Date.now())));
      if (status === 200) return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

export function healthCheckError(id: string, updating: boolean): FlyError {
  const inner = `timeout reached waiting for health checks to pass for machine ${id}`;
  return new FlyError(updating ? `failed to update machine ${id}: Unrecoverable error: ${inner}` : inner);
}
