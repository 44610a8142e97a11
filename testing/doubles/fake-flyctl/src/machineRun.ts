/**
 * `machine run IMAGE CMD... --app A --name N --region R --restart no --vm-memory MB --env K=V
 * --metadata K=V` (superfly/flyctl internal/command/machine/run.go): launches one machine running
 * CMD as given (no shell), returns once it started and never reports the exit code. Its env is its
 * --env values plus every current app secret (staged ones too) plus FLY_*. Machines made this way
 * carry no fly_platform_version: deploy, scale and secret restarts leave them alone, as on Fly.
 */
import { requireApp } from "./apps";
import { type CommandSpec, F, notEmulated } from "./cli";
import { FlyError } from "./errors";
import { parseMemoryMb } from "./units";
import { createMachine, startMachine } from "./runtime";
import { machineFaultOf } from "./faults";
import type { MachineConfig } from "./store";

function parseKV(values: string[] | undefined, flagName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const eq = kv.indexOf("=");
    if (eq < 0) throw new FlyError(`invalid key/value pairs specified for flag ${flagName}`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

function restartPolicy(raw: string | undefined): MachineConfig["restart"] {
  switch (raw ?? "always") {
    case "no":
      return { policy: "no" };
    case "always":
      return { policy: "always" };
    case "on-fail":
    case "on-failure":
      return { policy: "on-failure", max_retries: 10 };
    default:
      throw new FlyError(`invalid restart provided`);
  }
}

export const machineRun: CommandSpec = {
  key: "machine run",
  flags: [
    F.app,
    F.config,
    F.region,
    F.detach,
    { name: "name", short: "n", type: "string" },
    { name: "restart", type: "string" },
    { name: "vm-memory", type: "string" },
    { name: "memory", type: "string" },
    { name: "env", short: "e", type: "stringArray" },
    { name: "metadata", short: "m", type: "stringArray" },
    notEmulated("port", "p", "stringArray"),
    notEmulated("size", "s"),
    notEmulated("volume", "v", "stringArray"),
    notEmulated("rm", undefined, "bool"),
    notEmulated("entrypoint"),
    notEmulated("vm-size"),
    notEmulated("vm-cpus"),
    notEmulated("vm-cpu-kind"),
    notEmulated("id"),
    notEmulated("org"),
    notEmulated("schedule"),
  ],
  minArgs: 1,
  mutating: true,
  run: async (ctx) => {
    const { stateDir, parsed, out } = ctx;
    const app = requireApp(stateDir, parsed.strings.app);
    // flyctl's LoadAppConfigIfPresent skips a --config path that does not exist (fs.ErrNotExist), so a
    // command's own `-c SCRIPT` before `--` silently becomes --config and leaves the command.
    const [image, ...cmd] = parsed.args;
    if (cmd.length === 0) throw new FlyError("fake-flyctl: the stand-in image has no default CMD; pass the command after the image");
    const memoryRaw = parsed.strings["vm-memory"] ?? parsed.strings.memory;
    let memory = 256;
    if (memoryRaw !== undefined) {
      try {
        memory = parseMemoryMb(memoryRaw);
      } catch (error) {
        throw new FlyError((error as Error).message);
      }
      if (memory === 0) throw new FlyError("--vm-memory cannot be zero");
    }
    const lastRelease = app.releases.at(-1);
    const fault = machineFaultOf(ctx.fault);
    const m = createMachine(stateDir, {
      app: app.name,
      name: parsed.strings.name,
      region: parsed.strings.region ?? lastRelease?.config.primaryRegion ?? "iad",
      config: {
        image,
        env: parseKV(parsed.arrays.env, "env"),
        guest: { cpu_kind: "shared", cpus: 1, memory_mb: memory },
        metadata: parseKV(parsed.arrays.metadata, "metadata"),
        init: { cmd },
        restart: restartPolicy(parsed.strings.restart),
      },
      processGroup: null,
      hostPort: null,
      check: null,
      killSignal: "SIGINT",
      killTimeoutMs: 5000,
      fault,
    });
    out(`Searching for image '${image}' remotely...`);
    out(`image found: ${image}`);
    out("");
    out(`Success! A Machine has been successfully launched in app ${app.name}`);
    out(` Machine ID: ${m.id}`);
    const started = await startMachine(stateDir, app.name, m.id);
    out(` Instance ID: ${started.instanceId}`);
    out(` State: created`);
    out("");
    out(` Attempting to start Machine...`);
    out("");
    out(`Machine started, you can connect via the following private ip`);
    out(`  fdaa:0:1:a7b:${m.id.slice(0, 4)}:${m.id.slice(4, 8)}:${m.id.slice(8, 12)}:2`);
  },
};
