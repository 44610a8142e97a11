/**
 * Engine overhead of `pulumi preview` and where it goes: the staging program with the policy pack, as
 * shipped (both compiled by `npm run build`), against the floor on the same engine: an empty precompiled
 * program previewed with an empty precompiled pack (the engine starts a pack before the program, so a
 * pack's start-up belongs to the floor). Medians of interleaved runs, with the spread; then the engine's
 * own trace of the shipped variant and the floor, cut into phases.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { BenchEngine, PACK, REPO } from "./engineEnv";
import { type Measured, median } from "./measure";
import { precompiledPack, precompiledProgram } from "./precompiled";
import { type Phase, PHASES, phases, readSpans } from "./trace";

export const FLOOR = "empty program + empty pack, both precompiled (floor)";
export const SHIPPED = "staging + policy pack, as shipped";
const EMPTY_NO_PACK = "empty program, precompiled, no pack";
const STAGING_NO_PACK = "staging as shipped, no pack";
const ROUNDS = 11;
const TRACED_ROUNDS = 3;

export interface OverheadFigures {
  seconds: Record<string, number>;
  /** Median CPU seconds (user + system) of the process tree. */
  cpu: Record<string, number>;
  /** Fastest and slowest run of each variant, s. */
  range: Record<string, [number, number]>;
  /** Median phases (ms) of the traced variants. */
  phases: Record<string, Record<Phase, number>>;
}

export async function engineOverhead(say: (line?: string) => void): Promise<OverheadFigures> {
  const engine = new BenchEngine();
  try {
    const empty = join(REPO, "testing/bench/empty");
    const emptyConfig = await engine.stack(empty, "bench-empty");
    const staging = await engine.stagingStack();
    const emptyJs = precompiledProgram(empty, mkdtempSync(join(engine.tmp, "empty-js-")));
    const emptyPack = precompiledPack(join(REPO, "testing/bench/empty-pack"), mkdtempSync(join(engine.tmp, "empty-pack-")));
    const variants: Record<string, (args?: string[]) => Promise<Measured>> = {
      [FLOOR]: (args) => engine.preview(emptyJs, "bench-empty", emptyConfig, { args, pack: emptyPack }),
      [EMPTY_NO_PACK]: (args) => engine.preview(emptyJs, "bench-empty", emptyConfig, { args }),
      [STAGING_NO_PACK]: (args) => engine.preview(REPO, "bench", staging, { args }),
      [SHIPPED]: (args) => engine.preview(REPO, "bench", staging, { args, pack: PACK }),
    };
    const runs: Record<string, Measured[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    const warm: Record<string, Measured> = {};
    for (const [name, run] of Object.entries(variants)) warm[name] = await run(); // warm-up: page cache, a stale build rebuilt
    if (violations(warm[SHIPPED].output) === "")
      throw new Error(`the shipped pack reported nothing:\n${warm[SHIPPED].output.slice(-3000)}`);
    if (creates(warm[STAGING_NO_PACK].output) !== creates(warm[SHIPPED].output))
      throw new Error(`the runs with and without the pack plan other resources:\n${warm[SHIPPED].output.slice(-3000)}`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(variants)) {
        const result = await run();
        if (result.code !== 0) throw new Error(`${name} failed:\n${result.output}`);
        runs[name].push(result);
      }
    }
    const seconds = Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs.map((x) => x.seconds))]));
    const cpu = Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs.map((x) => x.cpu))]));
    const range = Object.fromEntries(
      Object.entries(runs).map(([k, xs]) => [k, [Math.min(...xs.map((x) => x.seconds)), Math.max(...xs.map((x) => x.seconds))]]),
    ) as Record<string, [number, number]>;
    const floor = seconds[FLOOR];
    say(`## 3. Engine overhead: warm \`pulumi preview\`, medians of ${ROUNDS} interleaved runs`);
    say("");
    say("The program and the pack run as shipped: compiled by `npm run build` (which `npm ci` runs), started through");
    say("program.js and build/pack.js, which rebuild first when a source changed. The floor's empty program and");
    say("empty pack are compiled the same way in temp copies. Memory: peak RSS of the whole process tree (engine, language");
    say("host, program, plugins, pack), sampled from /proc every 100 ms. CPU: user + system seconds of that tree (GNU time).");
    say("");
    say("| variant | median s | runs s | x floor | median CPU s | CPU x floor | peak tree RSS MB |");
    say("| --- | --- | --- | --- | --- | --- | --- |");
    for (const [name, xs] of Object.entries(runs))
      say(
        `| ${name} | ${seconds[name].toFixed(2)} | ${range[name].map((x) => x.toFixed(2)).join("-")} | ${(seconds[name] / floor).toFixed(2)} | ${cpu[name].toFixed(1)} | ${(cpu[name] / cpu[FLOOR]).toFixed(2)} | ${median(xs.map((x) => x.peakMb)).toFixed(0)} |`,
      );
    say("");
    const cost = (a: string, b: string) => `${(seconds[a] - seconds[b]).toFixed(2)} s wall / ${(cpu[a] - cpu[b]).toFixed(1)} s CPU`;
    say(
      `Differences of medians: the empty pack's start-up costs ${cost(FLOOR, EMPTY_NO_PACK)}; the staging program over the empty one ` +
        `${cost(STAGING_NO_PACK, EMPTY_NO_PACK)}; the policy pack over the empty pack ${cost(SHIPPED, STAGING_NO_PACK)} less the former.`,
    );
    say("");
    const traced = await tracePhases(say, { [SHIPPED]: variants[SHIPPED], [FLOOR]: variants[FLOOR] }, engine.tmp);
    return { seconds, cpu, range, phases: traced };
  } finally {
    engine.dispose();
  }
}

/** The policy verdicts a preview printed: level, policy and resource of each. */
function violations(output: string): string {
  const found = [...output.matchAll(/- \[(advisory|mandatory)\]\s+(\S+)\s+\(([^)]*)\)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  return [...new Set(found)].sort().join("\n");
}

/** The planned creations a preview printed, resource by resource. */
function creates(output: string): string {
  const found = new Set([...output.matchAll(/^ \+ {2}(\S+) (\S+) create/gm)].map((m) => `${m[1]} ${m[2]}`));
  if (found.size < 2) throw new Error(`no planned resources in the preview output:\n${output.slice(-3000)}`);
  return [...found].sort().join("\n");
}

/** Medians of each phase over interleaved traced runs (the trace itself adds a little time). */
async function tracePhases(
  say: (line?: string) => void,
  variants: Record<string, (args?: string[]) => Promise<Measured>>,
  tmp: string,
): Promise<Record<string, Record<Phase, number>>> {
  const byVariant: Record<string, Array<Record<string, number>>> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < TRACED_ROUNDS; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const file = join(tmp, `trace-${round}-${Object.keys(byVariant).indexOf(name)}.json`);
      const result = await run(["--otel-traces", `file://${file}`]);
      if (result.code !== 0) throw new Error(`${name} (traced) failed:\n${result.output}`);
      byVariant[name].push(phases(readSpans(file)));
    }
  }
  const names = Object.keys(variants);
  const medians = Object.fromEntries(
    names.map((n) => [n, Object.fromEntries(PHASES.map((p) => [p, median(byVariant[n].map((x) => x[p]))])) as Record<Phase, number>]),
  );
  say(`## 4. Where preview time goes: the engine's trace (\`--otel-traces file://\`), medians of ${TRACED_ROUNDS} interleaved runs`);
  say("");
  say(`| phase (s) | ${names.join(" | ")} |`);
  say(`| --- | ${names.map(() => "---").join(" | ")} |`);
  for (const phase of PHASES) {
    const cells = names.map((n) => (medians[n][phase] / 1000).toFixed(2));
    say(`| ${phase.startsWith("  ") ? `&nbsp;&nbsp;${phase.trim()}` : phase} | ${cells.join(" | ")} |`);
  }
  say("");
  say("The pack is started before the program runs (the engine loads analyzers first), so its start-up is on the critical");
  say("path in full; the policy calls themselves take milliseconds. Traced runs are separate from section 3's and a");
  say("little slower (the trace is written as they run).");
  say("");
  return medians;
}
