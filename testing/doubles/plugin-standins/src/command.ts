/**
 * TEST DOUBLE: a stand-in for the `pulumi-resource-command` plugin (pulumi-command v1.x), implementing
 * `command:local:Command` only. It exists because the real plugin cannot be built here (see
 * ../README.md); it is never on the product's code path, and a real plugin on PATH or in the plugin
 * cache takes precedence (toolchain/env.sh only adds this one when neither exists).
 *
 * Modelled on pulumi-command v1's local Command (provider/pkg/provider/local: commandController.go,
 * commandOutputs.go, base.go) and pulumi-go-provider's `infer` defaults:
 * - check: applies the schema default addPreviousOutputInEnv = true and checks the input types;
 * - diff: old state vs new inputs over the input properties, values compared deeply with secrets
 *   unwrapped; a changed `triggers` replaces (the SDK also sets replaceOnChanges: ["triggers[*]"]),
 *   any other change updates; create-before-delete;
 * - create/update: `interpreter` (default ["/bin/sh", "-c"]) + [command], env = the plugin's env +
 *   `environment` (+ PULUMI_COMMAND_STDOUT/STDERR of the previous run on update and delete unless
 *   addPreviousOutputInEnv is false), cwd = `dir` or the plugin's cwd, `stdin` piped when non-empty;
 *   update runs `update`, else `create`, else nothing; outputs are the inputs plus stdout/stderr with
 *   one trailing newline trimmed; a failure is "<exit status N>: running \"<cmd>\":\n<stdout+stderr>";
 * - delete: runs `delete` of the old state with the old state's environment;
 * - secrets: outputs that mirror an input keep its secret wrapper; stdout/stderr are plain (programs
 *   mark them with additionalSecretOutputs, which the engine applies);
 * - logging (default stdoutAndStderr): each line as an ephemeral status message of the resource.
 * Not implemented: assetPaths/archivePaths (accepted, no `assets`/`archive` output), the
 * command:remote:* and command:local:run types, and a provider-side preview (this server does not
 * announce supportsPreview, so the engine never calls create/update during a preview).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { main, type CheckFailure, type Provider } from "@pulumi/pulumi/provider";
import { EngineLog, changedKeys, containsUnknown, defined, engineAddress, isUnknown, reveal, urnName, type Props } from "./common";

const COMMAND_TYPE = "command:local:Command";

/** Input properties of command:local:Command (pulumi-command v1 CommandInputs). */
const INPUT_KEYS = [
  "addPreviousOutputInEnv",
  "archivePaths",
  "assetPaths",
  "create",
  "delete",
  "dir",
  "environment",
  "interpreter",
  "logging",
  "stdin",
  "triggers",
  "update",
] as const;
const REPLACE_ON_CHANGES = ["triggers"];
const LOGGING = ["stdout", "stderr", "stdoutAndStderr", "none"];

const log = new EngineLog(engineAddress(process.argv.slice(2)));
const running = new Set<ReturnType<typeof spawn>>();

function assertType(urn: string): void {
  const type = urn.split("::")[2]?.split("$").pop();
  if (type !== COMMAND_TYPE) throw new Error(`stand-in pulumi-resource-command implements only ${COMMAND_TYPE}, not ${type}`);
}

function checkInputs(news: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const value = (k: string) => reveal(news[k]);
  for (const k of ["create", "update", "delete", "dir", "stdin", "logging"]) {
    const v = value(k);
    if (v != null && !isUnknown(v) && typeof v !== "string") fail(k, `${k} must be a string`);
  }
  const logging = value("logging");
  if (typeof logging === "string" && !isUnknown(logging) && !LOGGING.includes(logging)) {
    fail("logging", `logging must be one of ${LOGGING.join(", ")}, got ${JSON.stringify(logging)}`);
  }
  const flag = value("addPreviousOutputInEnv");
  if (flag != null && !isUnknown(flag) && typeof flag !== "boolean")
    fail("addPreviousOutputInEnv", "addPreviousOutputInEnv must be a boolean");
  for (const k of ["interpreter", "assetPaths", "archivePaths"]) {
    const v = value(k);
    if (v == null || isUnknown(v)) continue;
    if (!Array.isArray(v) || v.some((e) => typeof e !== "string")) fail(k, `${k} must be a list of strings`);
  }
  const env = value("environment");
  if (env != null && !isUnknown(env)) {
    if (typeof env !== "object" || Array.isArray(env)) fail("environment", "environment must be a map of strings");
    else
      for (const [k, v] of Object.entries(env)) if (typeof v !== "string") fail(`environment.${k}`, "environment values must be strings");
  }
  const triggers = value("triggers");
  if (triggers != null && !isUnknown(triggers) && !Array.isArray(triggers)) fail("triggers", "triggers must be a list");
  return failures;
}

const str = (v: unknown): string | undefined => {
  const r = reveal(v);
  return typeof r === "string" ? r : undefined;
};

/** Go's ExitError text for a child that ended on a signal ("signal: killed"). */
function signalText(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: "killed",
    SIGTERM: "terminated",
    SIGINT: "interrupt",
    SIGHUP: "hangup",
  };
  return names[signal] ?? `${signal.toLowerCase()} (${osConstants.signals[signal]})`;
}

/** Splits a stream into lines for status logging. */
function lineLogger(emit: (line: string) => void): { write(chunk: Buffer): void; end(): void } {
  let rest = "";
  return {
    write(chunk) {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) emit(line);
    },
    end() {
      if (rest) emit(rest);
      rest = "";
    },
  };
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/** pulumi-command's local `run`: the command with the interpreter, the env, dir, stdin and logging of `state`. */
async function run(urn: string, command: string, state: Props, previous: Props): Promise<RunResult> {
  const interpreterIn = reveal(state.interpreter);
  const interpreter = Array.isArray(interpreterIn) && interpreterIn.length > 0 ? interpreterIn.map(String) : ["/bin/sh", "-c"];
  const args = [...interpreter.slice(1), command];
  const dir = str(state.dir);
  const cwd = dir ?? process.cwd();
  if (dir !== undefined) {
    try {
      statSync(dir);
    } catch {
      throw new Error(`chdir ${dir}: no such file or directory: running ${JSON.stringify(command)}:\n`);
    }
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  const environment = reveal(state.environment);
  if (environment && typeof environment === "object") for (const [k, v] of Object.entries(environment)) env[k] = String(v);
  if (reveal(state.addPreviousOutputInEnv) !== false) {
    const prevOut = str(previous.stdout);
    const prevErr = str(previous.stderr);
    if (prevOut) env.PULUMI_COMMAND_STDOUT = prevOut;
    if (prevErr) env.PULUMI_COMMAND_STDERR = prevErr;
  }
  const stdin = str(state.stdin);
  const logging = str(state.logging) ?? "stdoutAndStderr";
  const logStdout = logging === "stdout" || logging === "stdoutAndStderr";
  const logStderr = logging === "stderr" || logging === "stdoutAndStderr";

  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const both: Buffer[] = [];
  const outLog = lineLogger((line) => log.status(urn, line));
  const errLog = lineLogger((line) => log.status(urn, line));

  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    const child = spawn(interpreter[0], args, { cwd, env, stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"] });
    running.add(child);
    child.stdout?.on("data", (chunk: Buffer) => {
      out.push(chunk);
      both.push(chunk);
      if (logStdout) outLog.write(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err.push(chunk);
      both.push(chunk);
      if (logStderr) errLog.write(chunk);
    });
    if (stdin && child.stdin) {
      child.stdin.on("error", () => undefined); // the command may exit without reading stdin
      child.stdin.end(stdin);
    }
    child.on("error", (error) => {
      running.delete(child);
      resolve({ code: null, signal: null, error });
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  outLog.end();
  errLog.end();
  await log.flush();

  const combined = Buffer.concat(both).toString("utf8");
  if (outcome.error) {
    const e = outcome.error as NodeJS.ErrnoException;
    const reason = e.code === "ENOENT" ? `exec: ${JSON.stringify(interpreter[0])}: executable file not found in $PATH` : e.message;
    throw new Error(`${reason}: running ${JSON.stringify(command)}:\n${combined}`);
  }
  if (outcome.signal) throw new Error(`signal: ${signalText(outcome.signal)}: running ${JSON.stringify(command)}:\n${combined}`);
  if (outcome.code !== 0) throw new Error(`exit status ${outcome.code}: running ${JSON.stringify(command)}:\n${combined}`);
  return {
    stdout: Buffer.concat(out).toString("utf8").replace(/\n$/, ""),
    stderr: Buffer.concat(err).toString("utf8").replace(/\n$/, ""),
  };
}

const provider: Provider = {
  // Build metadata marks the stand-in; the SDK asks for 1.2.1 and an ambient plugin is used whatever its version.
  version: "1.2.1+standin",

  async check(urn, _olds, news) {
    assertType(urn);
    const inputs: Props = { ...news };
    if (inputs.addPreviousOutputInEnv === undefined || inputs.addPreviousOutputInEnv === null) inputs.addPreviousOutputInEnv = true;
    return { inputs: defined(inputs), failures: checkInputs(inputs) };
  },

  async diff(_id, urn, olds, news) {
    assertType(urn);
    const changed = changedKeys(INPUT_KEYS, olds, news);
    const replaces = changed.filter((k) => REPLACE_ON_CHANGES.includes(k));
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(urn, inputs) {
    assertType(urn);
    const id = urnName(urn) + randomBytes(4).toString("hex");
    const state: Props = { ...inputs, stdout: "", stderr: "" };
    const command = str(inputs.create);
    if (command === undefined || containsUnknown(inputs)) return { id, outs: defined(state) };
    const result = await run(urn, command, inputs, {});
    return { id, outs: defined({ ...state, ...result }) };
  },

  async update(_id, urn, olds, news) {
    assertType(urn);
    const state: Props = { ...news, stdout: olds.stdout ?? "", stderr: olds.stderr ?? "" };
    const command = str(news.update) ?? str(news.create);
    if (command === undefined || containsUnknown(news)) return { outs: defined(state) };
    const result = await run(urn, command, news, olds);
    return { outs: defined({ ...state, ...result }) };
  },

  async delete(_id, urn, props) {
    assertType(urn);
    const command = str(props.delete);
    if (command === undefined) return;
    await run(urn, command, props, props);
  },

  async cancel() {
    for (const child of running) child.kill("SIGKILL");
  },
};

main(provider, process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`stand-in pulumi-resource-command: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
