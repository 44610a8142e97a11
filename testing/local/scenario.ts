/**
 * The main job's story on the local stack, step by step, each step returning what it observed from the
 * real systems (engine output, the flyctl stand-in's log and machines, PostgreSQL, PgBouncer). The
 * main job prints the observations; tests/integration/local.test.ts asserts them.
 */
import type { CommandResult, LocalStack } from "./localStack";

export const IMAGE_OLD = "chatwoot/chatwoot:v4.13.0";
export const IMAGE_NEW = "chatwoot/chatwoot:v4.14.0";
export const IMAGE_NEWER = "chatwoot/chatwoot:v4.14.1";

export interface UpObservation {
  result: CommandResult;
  /** flyctl calls made by this run, and the mutating ones. */
  calls: string[];
  mutating: string[];
  /** Restarts of web/worker machines during this run. */
  restarts: number;
  images: string[];
}

async function observeUp(stack: LocalStack, run: () => Promise<CommandResult>): Promise<UpObservation> {
  const before = stack.flyCalls().length;
  const restartsBefore = stack.machines().reduce((n, m) => n + m.restarts, 0);
  const result = await run();
  const calls = stack.flyCalls().slice(before);
  const machines = stack.machines().filter((m) => m.processGroup);
  return {
    result,
    calls: calls.map((c) => c.command ?? c.argv.join(" ")),
    mutating: calls.filter((c) => c.mutating).map((c) => c.command ?? c.argv.join(" ")),
    restarts: machines.reduce((n, m) => n + m.restarts, 0) - restartsBefore,
    images: [...new Set(machines.map((m) => m.config.image))],
  };
}

/** 0. First deploy of the fixed configuration with the old image: web and worker fill the session pool. */
export function firstDeploy(stack: LocalStack): Promise<UpObservation> {
  stack.writeConfig({ image: IMAGE_OLD, migrations: "direct" });
  return observeUp(stack, () => stack.up(true));
}

/** a. The incident's configuration (migration on the session pooler) in preview with the pack. */
export function previewIncident(stack: LocalStack): Promise<CommandResult> {
  stack.writeConfig({ image: IMAGE_NEW, migrations: "session" });
  return stack.preview(true);
}

/** b. The same forced without the pack: the migration hits PgBouncer's full session pool. */
export function forceIncident(stack: LocalStack): Promise<UpObservation> {
  stack.writeConfig({ image: IMAGE_NEW, migrations: "session" });
  return observeUp(stack, () => stack.up(false));
}

/** c. The fixed configuration (migration on the direct endpoint) with the new image. */
export function deployFixed(stack: LocalStack): Promise<UpObservation> {
  stack.writeConfig({ image: IMAGE_NEW, migrations: "direct" });
  return observeUp(stack, () => stack.up(true));
}

/** d. The same again: nothing to do. */
export function noOp(stack: LocalStack): Promise<UpObservation> {
  return observeUp(stack, () => stack.up(true));
}

/** e1. One change: web memory. */
export function changeMemory(stack: LocalStack): Promise<UpObservation> {
  stack.writeConfig({ image: IMAGE_NEW, migrations: "direct", webMemoryMb: 1024 });
  return observeUp(stack, () => stack.up(true));
}

/** e2. One change: the image. */
export function changeImage(stack: LocalStack): Promise<UpObservation> {
  stack.writeConfig({ image: IMAGE_NEWER, migrations: "direct", webMemoryMb: 1024 });
  return observeUp(stack, () => stack.up(true));
}

/** f. Destroy: the app (destroyOnDelete), its machines and their connections go. */
export async function destroyAll(
  stack: LocalStack,
): Promise<{ result: CommandResult; machines: number; livePids: number[]; connections: number; poolerClients: number }> {
  const pids = stack.machines().flatMap((m) => (m.pid ? [m.pid] : []));
  const result = await stack.destroy();
  const clients = await stack.session.showClients();
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    result,
    machines: stack.machines().length,
    livePids: pids.filter(alive),
    connections: await stack.appConnections(),
    poolerClients: clients.filter((c) => c.user === stack.session.user).length,
  };
}
