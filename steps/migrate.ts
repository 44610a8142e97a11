/**
 * Runs the migration in a one-off machine of the new image and reads its exit code, which
 * `fly machine run` never reports: wait for the machine to stop, then read the exit event from
 * `fly machine list --json` (the Machines API machine object). The machine is destroyed afterwards,
 * whatever happened. Any failure stops `pulumi up` before the rollout step.
 */
import { migrationOverflow } from "../lib/budget";
import { exitCodeOf, exitedBeforeRunSawItStart, groupCounts, launchedMachineId, type ListedMachine } from "../lib/machineOutput";
import { ENV, type MigrationRecord, type MigrationSpec } from "../lib/stepContract";
import { jsonEnv, log, result, stepContext, type StepContext } from "./context";
import { cancelled } from "./cancellation";
import { StepError } from "./flyctl";
import { listMachines } from "./machines";

/** Metadata that marks the one-off migration machines (flyctl machine run --metadata). */
const ROLE_KEY = "chatwoot_role";
const ROLE_VALUE = "migration";

/**
 * The migration reads its database URL from the MIGRATION_DATABASE_URL app secret (argv never carries
 * a credential) and hands it to Rails as DATABASE_URL, which Rails merges over config/database.yml.
 */
export const MIGRATION_SHELL = 'export DATABASE_URL="$MIGRATION_DATABASE_URL"; exec "$@"';

/** Tries of the machine list that reads a launched migration: a lost exit code means a re-run. */
const LIST_TRIES = 3;
const LIST_RETRY_MS = 2000;

async function findMachine(ctx: StepContext, match: (m: ListedMachine) => boolean): Promise<ListedMachine | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await listMachines(ctx)).find(match);
    } catch (error) {
      if (attempt >= LIST_TRIES || !(error instanceof StepError) || cancelled()) throw error;
      log(`${error.message}; trying again (${attempt} of ${LIST_TRIES})`);
      await new Promise((resolve) => setTimeout(resolve, LIST_RETRY_MS));
    }
  }
}

/**
 * A run interrupted before its cleanup (engine killed, runner lost) leaves its migration machine
 * behind, possibly still holding connections: remove it before a new migration starts. The stack
 * lock guarantees no other migration of this stack is running.
 */
async function removeLeftovers(ctx: StepContext, machines: ListedMachine[]): Promise<void> {
  for (const machine of machines) {
    if (machine.config?.metadata?.[ROLE_KEY] !== ROLE_VALUE) continue;
    log(`migration machine ${machine.id} (${machine.state ?? "unknown state"}) was left by an interrupted run`);
    await destroy(ctx, machine.id);
  }
}

async function destroy(ctx: StepContext, id: string): Promise<void> {
  const destroyed = await ctx.fly.run(["machine", "destroy", id, "--app", ctx.app, "--force"]);
  if (destroyed.code === 0) log(`removed migration machine ${id}`);
  else if (/not found|could not be retrieved/i.test(destroyed.stderr + destroyed.stdout)) log(`migration machine ${id} was already gone`);
  else
    log(
      `could not remove migration machine ${id}; remove it by hand (fly machine destroy ${id} --force): ${ctx.fly.failure(["machine", "destroy", id], destroyed).message}`,
    );
}

export async function migrate(): Promise<void> {
  const spec = jsonEnv<MigrationSpec>(ENV.migration);
  const ctx = stepContext();
  const name = `migrate-${Date.now().toString(36)}`;
  const started = Date.now();
  const machines = await listMachines(ctx);
  await removeLeftovers(ctx, machines);
  // The budget holds for the planned counts; a group scaled up by hand since would overflow a pool.
  const overflow = migrationOverflow(
    spec.budget,
    groupCounts(
      machines,
      spec.budget.groups.map((g) => g.role),
    ),
  );
  if (overflow) throw new StepError(overflow);
  log(`running ${spec.command.join(" ")} in ${spec.image} on the ${spec.endpoint} endpoint (machine ${name})`);
  const runArgs = [
    "machine",
    "run",
    spec.image,
    "--app",
    ctx.app,
    "--name",
    name,
    "--region",
    spec.region,
    "--restart",
    "no",
    "--vm-memory",
    String(spec.memoryMb),
    "--env",
    `POSTGRES_STATEMENT_TIMEOUT=${spec.statementTimeout}`,
    "--metadata",
    `${ROLE_KEY}=${ROLE_VALUE}`,
    "--",
    "/bin/sh",
    "-c",
    MIGRATION_SHELL,
    "migrate",
    ...spec.command,
  ];
  const run = await ctx.fly.run(runArgs);
  // The ID comes from run's own output, so a failing `machine list` right after it cannot leave the
  // migration running unwatched; the list is the fallback for an output without it.
  const id = launchedMachineId(run.stdout) ?? (await findMachine(ctx, (m) => m.name === name))?.id;
  if (!id)
    throw run.code !== 0
      ? ctx.fly.failure(runArgs, run)
      : new StepError(
          `migration machine ${name} disappeared right after it started; web and worker keep their current image. Run pulumi up again`,
        );
  try {
    await watch(ctx, spec, id, run.code === 0 ? undefined : () => ctx.fly.failure(runArgs, run));
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`migration finished with exit code 0 in ${seconds}s`);
    const record: MigrationRecord = { image: spec.image, exitCode: 0, machine: id, seconds };
    result(record);
  } finally {
    await destroy(ctx, id);
  }
}

/**
 * Waits for the migration machine to stop and fails unless it exited 0. `runFailed` is set when
 * `machine run` exited non-zero: then only a machine that already stopped with an exit event ran.
 */
async function watch(ctx: StepContext, spec: MigrationSpec, id: string, runFailed?: () => StepError): Promise<void> {
  if (runFailed) {
    const machine = await findMachine(ctx, (m) => m.id === id);
    if (!machine || !exitedBeforeRunSawItStart(machine)) throw runFailed();
  }
  const waitArgs = ["machine", "wait", id, "--app", ctx.app, "--state", "stopped", "--wait-timeout", `${spec.timeoutSeconds}s`];
  // The wait has its own limit (migration.timeoutSeconds); the call gets a minute more to report it.
  const waited = await ctx.fly.run(waitArgs, { timeoutSeconds: spec.timeoutSeconds + 60 });
  const after = await findMachine(ctx, (m) => m.id === id);
  if (!after)
    throw new StepError(
      `migration machine ${id} disappeared before it reported an exit code; web and worker keep their current image. Run pulumi up again`,
    );
  if (waited.code !== 0) {
    throw new StepError(
      `migration did not finish within ${spec.timeoutSeconds}s (chatwoot:migration.timeoutSeconds); the machine is stopped and removed, web and worker keep their current image. ${ctx.fly.failure(waitArgs, waited).message}`,
    );
  }
  const exit = exitCodeOf(after);
  if (!exit) throw new StepError(`migration machine ${id} stopped without an exit event; web and worker keep their current image`);
  if (exit.code !== 0) {
    throw new StepError(
      `migration exited with code ${exit.code}${exit.oomKilled ? " (out of memory: raise chatwoot:migration.memoryMb)" : ""}; web and worker keep their current image. Logs: fly logs --app ${ctx.app} --machine ${id}`,
    );
  }
}
