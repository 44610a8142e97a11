/**
 * `scale memory MB [--process-group G] --app A` (superfly/flyctl internal/command/scale/memory.go,
 * vm.go, machines.go v2ScaleVM, internal/machine/update.go): the size goes through helpers.ParseSize
 * (strconv.Atoi, else docker units.RAMInBytes in MiB); without a group the app must have one process
 * group; every active machine of the group gets the new guest memory through a machine update (stop,
 * new config, start, health checks), one at a time; each update first checks the guest the way
 * mach.Update does (CPU kind and count, 256/1024 MiB steps, per-CPU minimum and maximum).
 */
import { requireApp } from "./apps";
import { type CommandSpec, type Context, F } from "./cli";
import { FlyError } from "./errors";
import { processGroups } from "./flyToml";
import { appMachines } from "./machineEnv";
import { type GroupSpec, updateInPlace } from "./rollout";
import { healthCheckError, waitForCheck } from "./runtime";
import type { AppState, Guest, Machine } from "./store";
import { parseMemoryMb } from "./units";

/** fly-go MIN/MAX_MEMORY_MB_PER_(SHARED_)CPU and flyctl's cpusPerKind. */
const LIMITS: Record<string, { cpus: number[]; step: number; minPerCpu: number; maxPerCpu: number }> = {
  shared: { cpus: [1, 2, 4, 6, 8], step: 256, minPerCpu: 256, maxPerCpu: 2048 },
  performance: { cpus: [1, 2, 4, 6, 8, 10, 12, 14, 16, 32, 64, 128], step: 1024, minPerCpu: 2048, maxPerCpu: 8192 },
};

/** helpers.ParseSize(s, units.RAMInBytes, units.MiB): a plain integer is MB as is (even 0 or negative). */
function parseSize(arg: string): number {
  if (/^[+-]?\d+$/.test(arg)) return Number(arg);
  try {
    return parseMemoryMb(arg);
  } catch (error) {
    throw new FlyError(`invalid size: ${(error as Error).message}`);
  }
}

/** machine.InvalidConfigErr, printed like flyctl's root printError: reason, description, suggestion, doc URL. */
function invalidConfig(reason: string, description: string, suggestion: string): FlyError {
  const doc = "https://fly.io/docs/machines/guides-examples/machine-sizing/";
  // fmt.Fprintln(w, "View more information at ", url) puts a space between its operands: two spaces.
  return new FlyError(`Error: ${reason}\n${description}\n\n${suggestion}\n\nView more information at  ${doc}\n\n`, 1, true);
}

export function checkGuest(g: Guest): void {
  const kind = LIMITS[g.cpu_kind];
  if (!kind) {
    throw invalidConfig(
      "invalid CPU kind",
      `The CPU kind given: ${g.cpu_kind}, is not valid`,
      `Valid values are [${Object.keys(LIMITS).join(" ")}]`,
    );
  }
  if (!kind.cpus.includes(g.cpus)) {
    throw invalidConfig(
      "invalid number of CPUs",
      `For the CPU kind ${g.cpu_kind}, ${g.cpus} CPUs is not valid`,
      `Valid numbers are [${kind.cpus.join(" ")}]`,
    );
  }
  if (g.memory_mb % kind.step !== 0) {
    const suggested = g.memory_mb - (g.memory_mb % kind.step) || kind.step;
    throw invalidConfig(
      "invalid memory size",
      `${g.memory_mb}MiB of memory is not valid`,
      `Memory size must be in a ${kind.step} MiB increment (${suggested}MiB would work)`,
    );
  }
  if (kind.minPerCpu * g.cpus > g.memory_mb) {
    throw invalidConfig(
      "memory size for config is too low",
      `For ${g.cpu_kind} VMs with ${g.cpus} CPUs, ${g.memory_mb}MiB of memory is too low`,
      `Try setting memory to a value >= ${kind.minPerCpu * g.cpus}MiB for the config changes requested`,
    );
  }
  if (g.memory_mb > kind.maxPerCpu * g.cpus) {
    throw invalidConfig(
      "memory size for config is too high",
      `For ${g.cpu_kind} VMs with ${g.cpus} CPUs, ${g.memory_mb}MiB of memory is too high`,
      `Try setting memory to a value <= ${kind.maxPerCpu * g.cpus}MiB for the config changes requested`,
    );
  }
}

/** fly-go MachineGuest.ToSize. */
function sizeName(g: Guest): string {
  if (g.cpu_kind === "shared") return `shared-cpu-${g.cpus}x`;
  if (g.cpu_kind === "performance") return `performance-${g.cpus}x`;
  return "unknown";
}

/** The group flyctl picks without --process-group (appconfig DefaultProcessName), or its error. */
function defaultGroup(app: AppState): string {
  const release = [...app.releases].reverse().find((r) => r.status === "complete") ?? app.releases.at(-1);
  const names = release ? [...processGroups(release.config)].sort() : ["app"];
  if (names.length > 1) {
    throw new FlyError(
      `scaling an app with multiple process groups requires specifying a group with '--process-group <name>'\n * this app has the following process groups: [${names.map((n) => `'${n}'`).join(", ")}]`,
    );
  }
  return names.includes("app") ? "app" : names[0];
}

/** The machine's own config with a new guest: a machine update keeps everything else. */
function specOf(m: Machine, guest: Guest): GroupSpec {
  return {
    group: m.processGroup ?? "",
    config: { ...structuredClone(m.config), guest },
    check: m.check,
    servesHttp: m.hostPort !== null,
    internalPort: null,
    killSignal: m.killSignal,
    killTimeoutMs: m.killTimeoutMs,
    region: m.region,
  };
}

async function updateMemory(ctx: Context, appName: string, m: Machine, memoryMb: number): Promise<Guest> {
  // v2ScaleVM sets MemoryMB only when it is > 0; the machine is updated (and restarted) either way.
  const guest = { ...m.config.guest, ...(memoryMb > 0 ? { memory_mb: memoryMb } : {}) };
  checkGuest(guest);
  await updateInPlace(ctx, appName, m.id, specOf(m, guest), { checks: false });
  if (m.check && !(await waitForCheck(ctx.stateDir, appName, m.id))) {
    throw new FlyError(`failed to wait for health checks to pass: ${healthCheckError(m.id, false).message}`);
  }
  return guest;
}

export const scaleMemory: CommandSpec = {
  key: "scale memory",
  flags: [F.app, F.config, { name: "process-group", short: "g", type: "string" }, { name: "group", type: "string" }],
  minArgs: 1,
  maxArgs: 1,
  mutating: true,
  run: async (ctx) => {
    const { stateDir, parsed, out } = ctx;
    const app = requireApp(stateDir, parsed.strings.app);
    const memoryMb = parseSize(parsed.args[0]);
    const flagGroup = parsed.strings["process-group"] ?? parsed.strings.group ?? "";
    const group = flagGroup || defaultGroup(app);
    const targets = appMachines(app).filter((m) => m.processGroup === group && m.state !== "destroying");
    if (targets.length === 0) throw new FlyError(`No active machines in process group '${group}', check \`fly status\` output`);
    let first: Guest | undefined;
    for (const m of targets) {
      const guest = await updateMemory(ctx, app.name, m, memoryMb);
      first ??= guest;
    }
    const g = first as Guest;
    out(flagGroup ? `Scaled VM Type for '${flagGroup}' to '${sizeName(g)}'` : `Scaled VM Type to '${sizeName(g)}'`);
    out(`${"CPU Cores".padStart(15)}: ${g.cpus < 1 ? g.cpus.toFixed(2) : Math.trunc(g.cpus)}`);
    // vm.go formatMemory: v2ScaleVM never sets VMSize.MemoryGB, so it is always "<n> MB".
    out(`${"Memory".padStart(15)}: ${g.memory_mb} MB`);
  },
};
