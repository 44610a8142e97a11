/**
 * fake-flyctl entry point: resolves the command, parses flags like cobra/pflag, checks the access
 * token, applies injected faults, runs the command and logs the call to calls.jsonl.
 * Errors are printed as flyctl prints them: `Error: <message>` on stderr, exit 1.
 */
import * as fs from "node:fs";
import { appendCall } from "./calllog";
import { type CommandSpec, type CommandTree, type Context, type LazyCommand, checkArgCount, parseFlags, resolve } from "./cli";
import { FlyError } from "./errors";
import { type Fault, takeFault } from "./faults";
import { stateDir as getStateDir } from "./paths";
import { GoPanic } from "./secretsParser";

/* eslint-disable @typescript-eslint/no-require-imports */
const cmd = (load: () => CommandSpec, aliases?: string[]): LazyCommand => ({ load, aliases });
const TREE: CommandTree = {
  apps: {
    aliases: ["app"],
    children: {
      list: cmd(() => require("./apps").appsList, ["ls"]),
      create: cmd(() => require("./apps").appsCreate),
      destroy: cmd(() => require("./apps").appsDestroy, ["delete", "remove", "rm"]),
    },
  },
  secrets: {
    children: {
      list: cmd(() => require("./secretsList").secretsList, ["ls"]),
      import: cmd(() => require("./secrets").secretsImport),
      unset: cmd(() => require("./secrets").secretsUnset, ["remove", "rm"]),
    },
  },
  deploy: cmd(() => require("./deploy").deploy),
  scale: {
    children: {
      count: cmd(() => require("./scale").scaleCount),
      memory: cmd(() => require("./scaleMemory").scaleMemory),
    },
  },
  machine: {
    aliases: ["machines", "m"],
    children: {
      run: cmd(() => require("./machineRun").machineRun),
      wait: cmd(() => require("./machineWait").machineWait),
      stop: cmd(() => require("./machineStop").machineStop),
      list: cmd(() => require("./machineList").machineList, ["ls"]),
      destroy: cmd(() => require("./machineDestroy").machineDestroy, ["remove", "rm"]),
    },
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

const started = Math.round(performance.timeOrigin);
const argv = process.argv.slice(2);
let dir: string | null = null;
let spec: CommandSpec | null = null;
let ctx: Context | null = null;
let faultLabel: string | undefined;
let logged = false;

function log(exitCode: number): void {
  if (logged || !dir) return;
  logged = true;
  appendCall(dir, {
    ts: new Date(started).toISOString(),
    argv,
    command: spec?.key ?? null,
    mutating: spec?.mutating ?? false,
    ...(spec?.mutating ? { changed: ctx?.changed ?? true } : {}),
    exitCode,
    durationMs: Date.now() - started,
    ...(faultLabel ? { fault: faultLabel } : {}),
  });
}

function finish(code: number): never {
  log(code);
  process.exit(code);
}

function fail(error: unknown): never {
  if (error instanceof FlyError) {
    process.stderr.write(error.raw ? (error.message.endsWith("\n") ? error.message : `${error.message}\n`) : `Error: ${error.message}\n`);
    finish(error.exitCode);
  }
  if (error instanceof GoPanic) {
    process.stderr.write(`panic: ${error.message}\n\ngoroutine 1 [running]:\n`);
    finish(2);
  }
  process.stderr.write(`Error: fake-flyctl internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  finish(1);
}

for (const [sig, n] of [
  ["SIGTERM", 15],
  ["SIGINT", 2],
  ["SIGHUP", 1],
] as const) {
  process.on(sig, () => finish(128 + n));
}

async function main(): Promise<number> {
  dir = getStateDir();
  fs.mkdirSync(dir, { recursive: true });
  const resolved = resolve(TREE, argv);
  spec = resolved.spec;
  const parsed = parseFlags(resolved.rest, spec.flags);
  checkArgCount(spec, parsed.args);
  if (!process.env.FLY_API_TOKEN && !process.env.FLY_ACCESS_TOKEN) {
    throw new FlyError("No access token available. Please login with 'flyctl auth login'");
  }
  let machineFault: Fault | undefined;
  const fault = takeFault(dir, spec.key);
  if (fault) {
    faultLabel = fault.mode;
    switch (fault.mode) {
      case "fail":
        throw new FlyError(fault.stderr ?? "Error: injected failure (fake-flyctl faults.json)", fault.exitCode ?? 1, true);
      case "hang":
        // Until killed: the caller's timeout is what is under test.
        await new Promise(() => setInterval(() => undefined, 1 << 30));
        break;
      case "lose-machine":
      case "exit-code":
        machineFault = fault;
        break;
      default:
        throw new FlyError(`fake-flyctl: unknown fault mode ${(fault as Fault).mode}`);
    }
  }
  let stdinText: string | undefined;
  ctx = {
    stateDir: dir,
    parsed,
    fault: machineFault,
    stdin: () => (stdinText ??= fs.readFileSync(0, "utf8")),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  const code = await spec.run(ctx);
  return typeof code === "number" ? code : 0;
}

main().then(finish, fail);
