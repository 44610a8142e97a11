/**
 * One machine's "flyd": a detached process that runs the machine's command (cwd = the stand-in
 * image, PATH = image/bin first, env = runtimeEnv), records pid/state/events in state.json, writes
 * the exit event when the process ends, and applies the restart policy (no / always / on-failure with
 * max_retries, default 10). Usage: supervisor.ts STATE_DIR APP MACHINE_ID GENERATION.
 * A supervisor only writes for its own generation: a newer start (deploy, restart) supersedes it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { IMAGE_DIR, logsDir } from "./paths";
import { event, runtimeEnv } from "./machineEnv";
import { type MachineFault, getMachine, update, updateMachine } from "./store";
import { isoNow, sleep } from "./time";

const [dir, app, id, generationText] = process.argv.slice(2);
const generation = Number(generationText);
let child: ChildProcess | null = null;
let childPid: number | null = null;
/** Whether the machine took a lose-machine fault: it vanishes at afterMs or when its command ends. */
let losing = false;

function log(message: string): void {
  process.stdout.write(`${isoNow()} supervisor ${id}: ${message}\n`);
}

function killGroup(pid: number | null): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}

function signalNumber(sig: NodeJS.Signals | null): number {
  return sig ? (os.constants.signals[sig] ?? 0) : -1;
}

/**
 * The command of an exit-code fault. ASSUMPTION: a machine the kernel kills for memory ends as a
 * SIGKILLed process does (exit code 137, signal 9) and its exit event carries oom_killed: true, the
 * flag fly-go's MachineExitEvent has (machine_types.go); so the process kills itself with SIGKILL.
 */
function faultCommand(fault: Extract<MachineFault, { mode: "exit-code" }>): string {
  return fault.oomKilled ? "kill -KILL $$" : `exit ${fault.exitCode}`;
}

function launch(): void {
  const info = updateMachine(dir, app, id, (m, a) => {
    if (m.generation !== generation) return { superseded: true as const };
    m.supervisorPid = process.pid;
    if (m.stopRequested) return { stopRequested: true as const };
    const fault: MachineFault | undefined = m.fault;
    const cmd = fault?.mode === "exit-code" ? ["/bin/sh", "-c", faultCommand(fault)] : m.config.init.cmd;
    return { env: runtimeEnv(m, a), cmd, fault };
  });
  if (!info || "superseded" in info) {
    log("superseded or removed before start");
    process.exit(0);
  }
  if ("stopRequested" in info) {
    finish(0, null, true);
    return;
  }
  fs.mkdirSync(logsDir(dir), { recursive: true });
  const out = fs.openSync(path.join(logsDir(dir), `${id}.log`), "a");
  const env = {
    ...info.env,
    PATH: `${path.join(IMAGE_DIR, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: process.env.HOME ?? "/root",
  };
  if (info.cmd.length === 0) {
    log("machine has no command");
    finish(1, null, false);
    return;
  }
  log(`starting ${JSON.stringify(info.cmd)}`);
  const proc = spawn(info.cmd[0], info.cmd.slice(1), { cwd: IMAGE_DIR, env, detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  child = proc;
  childPid = proc.pid ?? null;
  let ended = false;
  proc.on("error", (error) => {
    log(`spawn failed: ${error.message}`);
    if (!ended) {
      ended = true;
      finish(127, null, false);
    }
  });
  proc.on("exit", (code, sig) => {
    if (!ended) {
      ended = true;
      log(`process exited code=${code} signal=${sig}`);
      finish(code ?? 128 + signalNumber(sig), sig, false);
    }
  });
  const recorded = updateMachine(dir, app, id, (m) => {
    if (m.generation !== generation) return false;
    m.pid = childPid;
    m.startedGeneration = generation;
    if (m.state === "starting") m.state = "started";
    m.events.unshift(event("start", "started", "flyd"));
    m.updatedAt = isoNow();
    return true;
  });
  if (!recorded) {
    log("superseded while starting: killing the process");
    killGroup(childPid);
    process.exit(0);
  }
  if (info.fault?.mode === "lose-machine") {
    losing = true;
    setTimeout(vanish, info.fault.afterMs);
  }
}

/** The lose-machine fault: the machine is killed and leaves the state without an exit event. */
function vanish(): void {
  log("fault lose-machine: the machine vanishes");
  killGroup(childPid);
  update(dir, (state) => {
    const a = state.apps[app];
    if (a && a.machines[id]?.generation === generation) delete a.machines[id];
  });
  process.exit(0);
}

function finish(exitCode: number, sig: NodeJS.Signals | null, noProcess: boolean): void {
  // A machine set to vanish never reports an exit, however soon its command ends.
  if (losing) return vanish();
  // The VM is gone: nothing the command left behind survives it.
  killGroup(childPid);
  child = null;
  const decision = updateMachine(dir, app, id, (m) => {
    if (m.generation !== generation) return "superseded";
    const policy = m.config.restart.policy;
    const restart =
      !noProcess &&
      !m.stopRequested &&
      (policy === "always" || (policy === "on-failure" && exitCode !== 0)) &&
      m.policyRestarts < (m.config.restart.max_retries ?? 10);
    m.events.unshift(
      event("exit", "stopped", "flyd", {
        exit_event: {
          exit_code: exitCode,
          guest_exit_code: exitCode,
          signal: signalNumber(sig),
          guest_signal: signalNumber(sig),
          oom_killed: m.fault?.mode === "exit-code" && m.fault.oomKilled,
          requested_stop: m.stopRequested,
          restarting: restart,
          exited_at: isoNow(),
        },
        restart_count: m.policyRestarts,
      }),
    );
    m.pid = null;
    m.updatedAt = isoNow();
    if (noProcess) m.startedGeneration = generation;
    if (restart) {
      m.policyRestarts += 1;
      m.state = "starting";
      return "restart";
    }
    m.state = "stopped";
    m.supervisorPid = null;
    return "stopped";
  });
  if (decision === "restart") {
    log(`restart policy ${getMachine(dir, app, id)?.config.restart.policy}: restarting`);
    void sleep(1000).then(launch);
    return;
  }
  process.exit(0);
}

for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(sig, () => {
    log(`received ${sig}: killing the machine's process`);
    updateMachine(dir, app, id, (m) => {
      if (m.generation === generation) m.stopRequested = true;
    });
    if (child && childPid) killGroup(childPid);
    else process.exit(0);
  });
}

launch();
