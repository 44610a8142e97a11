/**
 * Command-line parsing the way flyctl's cobra/pflag does it: flags may stand anywhere among the
 * positional arguments (interspersed), `--` ends flag parsing, `--flag value` / `--flag=value`,
 * `-f value` / `-fvalue` / `-f=value`, booleans only take a value with `=` (`--ha=false`), string
 * arrays repeat, an unknown flag is an error. So, exactly like flyctl, a command's own `-c` in
 * `machine run IMAGE sh -c ...` is taken as flyctl's --config unless the command follows `--`.
 */
import { FlyError } from "./errors";
import type { Fault } from "./faults";
import { parseGoDuration } from "./time";

export type FlagType = "string" | "bool" | "stringArray" | "duration";

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  /** Real flyctl flags that the fake does not emulate: parsed like flyctl, then refused. */
  notEmulated?: boolean;
}

export interface ParsedArgs {
  args: string[];
  strings: Record<string, string>;
  bools: Record<string, boolean>;
  arrays: Record<string, string[]>;
  durations: Record<string, number>;
  /** Flags given on the command line (pflag's Changed). */
  changed: Set<string>;
}

function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function setValue(out: ParsedArgs, spec: FlagSpec, value: string): void {
  out.changed.add(spec.name);
  switch (spec.type) {
    case "string":
      out.strings[spec.name] = value;
      return;
    case "stringArray":
      (out.arrays[spec.name] ??= []).push(value);
      return;
    case "bool": {
      const v = value.toLowerCase();
      if (["1", "t", "true"].includes(v)) out.bools[spec.name] = true;
      else if (["0", "f", "false"].includes(v)) out.bools[spec.name] = false;
      else
        throw new FlyError(
          `invalid argument "${value}" for "${flagLabel(spec)}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
        );
      return;
    }
    case "duration":
      try {
        out.durations[spec.name] = parseGoDuration(value);
      } catch (error) {
        throw new FlyError(`invalid argument "${value}" for "${flagLabel(spec)}" flag: ${(error as Error).message}`);
      }
      return;
  }
}

export function parseFlags(tokens: string[], specs: FlagSpec[]): ParsedArgs {
  const out: ParsedArgs = { args: [], strings: {}, bools: {}, arrays: {}, durations: {}, changed: new Set() };
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === "--") {
      out.args.push(...tokens.slice(i + 1));
      break;
    }
    if (token.startsWith("--")) {
      const body = token.slice(2);
      const eq = body.indexOf("=");
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const spec = byName.get(name);
      if (!spec) throw new FlyError(`unknown flag: --${name}`);
      if (eq >= 0) setValue(out, spec, body.slice(eq + 1));
      else if (spec.type === "bool") setValue(out, spec, "true");
      else if (i + 1 < tokens.length) setValue(out, spec, tokens[++i]);
      else throw new FlyError(`flag needs an argument: --${name}`);
      continue;
    }
    if (token.startsWith("-") && token.length > 1) {
      // A run of shorthands: booleans may be grouped (-yj); a value flag takes the rest or the next token.
      let rest = token.slice(1);
      while (rest.length > 0) {
        const c = rest[0];
        const spec = byShort.get(c);
        if (!spec) throw new FlyError(`unknown shorthand flag: '${c}' in -${token.slice(1)}`);
        rest = rest.slice(1);
        if (rest.startsWith("=")) {
          setValue(out, spec, rest.slice(1));
          rest = "";
        } else if (spec.type === "bool") {
          setValue(out, spec, "true");
        } else if (rest.length > 0) {
          setValue(out, spec, rest);
          rest = "";
        } else if (i + 1 < tokens.length) {
          setValue(out, spec, tokens[++i]);
        } else {
          throw new FlyError(`flag needs an argument: '${c}' in -${c}`);
        }
      }
      continue;
    }
    out.args.push(token);
  }
  for (const name of out.changed) {
    const spec = byName.get(name);
    if (spec?.notEmulated) throw new FlyError(`fake-flyctl: flag --${name} is a real flyctl flag that this test double does not emulate`);
  }
  return out;
}

/** Flags shared by most commands, with flyctl's shorthands (internal/flag/flag.go). */
export const F = {
  app: { name: "app", short: "a", type: "string" } as FlagSpec,
  config: { name: "config", short: "c", type: "string" } as FlagSpec,
  json: { name: "json", short: "j", type: "bool" } as FlagSpec,
  org: { name: "org", short: "o", type: "string" } as FlagSpec,
  yes: { name: "yes", short: "y", type: "bool" } as FlagSpec,
  region: { name: "region", short: "r", type: "string" } as FlagSpec,
  detach: { name: "detach", type: "bool" } as FlagSpec,
};

/** A real flyctl flag the fake refuses (parsed first, so argv splits exactly as flyctl splits it). */
export const notEmulated = (name: string, short?: string, type: FlagType = "string"): FlagSpec => ({
  name,
  short,
  type,
  notEmulated: true,
});

export interface Context {
  stateDir: string;
  parsed: ParsedArgs;
  stdin: () => string;
  out: (line: string) => void;
  err: (line: string) => void;
  /** A lose-machine / exit-code fault taken for this call (machine run). */
  fault?: Fault;
  /** Set by a command whose mutation turned out to be a no-op (scale count). */
  changed?: boolean;
}

export interface CommandSpec {
  /** "apps create", "machine run", "deploy", ... (also the key faults.json matches). */
  key: string;
  flags: FlagSpec[];
  minArgs: number;
  maxArgs?: number;
  mutating: boolean;
  run: (ctx: Context) => Promise<number | void> | number | void;
}

export function checkArgCount(spec: CommandSpec, args: string[]): void {
  const n = args.length;
  if (spec.maxArgs !== undefined && spec.minArgs === spec.maxArgs && n !== spec.minArgs) {
    throw new FlyError(`accepts ${spec.minArgs} arg(s), received ${n}`);
  }
  if (n < spec.minArgs) throw new FlyError(`requires at least ${spec.minArgs} arg(s), only received ${n}`);
  if (spec.maxArgs !== undefined && n > spec.maxArgs) throw new FlyError(`accepts at most ${spec.maxArgs} arg(s), received ${n}`);
}

/** A command whose module is only loaded when it runs (each ts-node transpile costs start-up time). */
export interface LazyCommand {
  aliases?: string[];
  load: () => CommandSpec;
}

export interface CommandGroup {
  aliases?: string[];
  children: Record<string, LazyCommand>;
}

export type CommandTree = Record<string, LazyCommand | CommandGroup>;

/** Finds the command named by the leading words of argv (aliases allowed); the rest is its argv. */
export function resolve(tree: CommandTree, argv: string[]): { spec: CommandSpec; rest: string[] } {
  if (argv.length === 0 || argv[0].startsWith("-")) {
    throw new FlyError(argv.length === 0 ? "fake-flyctl: no command given" : `unknown flag: ${argv[0]}`);
  }
  const top = lookup(tree, argv[0]);
  if (!top) throw new FlyError(`unknown command "${argv[0]}" for "flyctl"\nRun 'flyctl --help' for usage.`);
  if ("load" in top) return { spec: top.load(), rest: argv.slice(1) };
  const word = argv[1];
  if (word === undefined || word.startsWith("-")) throw new FlyError(`fake-flyctl: "flyctl ${argv[0]}" needs a subcommand`);
  const sub = lookup(top.children, word);
  if (!sub || !("load" in sub)) throw new FlyError(`unknown command "${word}" for "flyctl ${argv[0]}"`);
  return { spec: sub.load(), rest: argv.slice(2) };
}

function lookup<T extends { aliases?: string[] }>(tree: Record<string, T>, word: string): T | undefined {
  if (Object.prototype.hasOwnProperty.call(tree, word)) return tree[word];
  return Object.values(tree).find((entry) => entry.aliases?.includes(word));
}
