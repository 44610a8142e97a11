/**
 * Where one `pulumi preview` spends its time, from the engine's own OpenTelemetry trace
 * (`--otel-traces file://...`: one OTLP/JSON export per line, spans of the CLI, the language host and
 * its node program). The critical path is cut at span boundaries into consecutive phases that add up
 * to the whole run; plugin start-ups and policy calls are summed from their own spans.
 */
import { readFileSync } from "node:fs";

interface Span {
  service: string;
  name: string;
  start: number;
  end: number;
  attributes: Record<string, unknown>;
}

interface OtlpLine {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
    scopeSpans: Array<{
      spans: Array<{
        name: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: Array<{ key: string; value: Record<string, unknown> }>;
      }>;
    }>;
  }>;
}

const attrs = (list: Array<{ key: string; value: Record<string, unknown> }> = []) =>
  Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));

export function readSpans(file: string): Span[] {
  const spans: Span[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    for (const rs of (JSON.parse(line) as OtlpLine).resourceSpans) {
      const service = String(attrs(rs.resource.attributes)["service.name"] ?? "?");
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans)
          spans.push({
            service,
            name: s.name,
            start: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
            end: Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000,
            attributes: attrs(s.attributes),
          });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Phases in ms, in the order they happen; the `of which` entries are parts of the phase above them. */
export const PHASES = [
  "CLI start (backend, language host handshake)",
  "engine setup before the program",
  "  of which policy pack start",
  "language host locating the SDK",
  "node + @pulumi/pulumi start",
  "program load (module evaluation)",
  "resource registrations",
  "  of which resource plugin start",
  "  of which policy calls (Analyze/Remediate)",
  "engine finish (summary)",
] as const;

export type Phase = (typeof PHASES)[number];

/**
 * Cuts a trace of the pinned toolchain (pulumi v3.274, language host v3.259, whose Node SDK traces too)
 * into PHASES. The pack's start-up runs from the analyzer's plugin start to the end of its last set-up
 * call (the first of them waits for the pack's process); the program's load, from the SDK's runProgram to the second
 * registration (the first is the stack; the next waits for the whole program module).
 */
export function phases(spans: Span[]): Record<Phase, number> {
  const one = (name: string, service = "pulumi-cli") => {
    const s = spans.find((x) => x.name === name && x.service === service);
    if (!s) throw new Error(`trace has no ${service} span ${name} (the span names of another toolchain version?)`);
    return s;
  };
  const root = one("pulumi");
  const plan = one("pulumi-plan");
  const run = one("run-program");
  const exec = one("execRuntime", "pulumi-language-nodejs");
  const program = one("language-runtime.runProgram", "pulumi-sdk-nodejs");
  const registrations = spans.filter((s) => s.service === "pulumi-cli" && s.name === "pulumirpc.ResourceMonitor/RegisterResource");
  const loaded = registrations[1]?.start ?? exec.end;
  const plugins = (kind: string) =>
    spans.filter((s) => s.name === "newPlugin" && s.attributes.kind === kind).reduce((t, s) => t + s.end - s.start, 0);
  const analyzer = spans.find((s) => s.name === "newPlugin" && s.attributes.kind === "analyzer");
  const setUp = spans.filter(
    (s) =>
      s.service === "pulumi-cli" &&
      /^pulumirpc\.Analyzer\/(GetPluginInfo|Handshake|GetAnalyzerInfo|ConfigureStack|Configure)$/.test(s.name),
  );
  const packStart = analyzer && setUp.length ? Math.max(...setUp.map((s) => s.end)) - analyzer.start : 0;
  const policyCalls = spans
    .filter((s) => s.service === "pulumi-cli" && /^pulumirpc\.Analyzer\/(Analyze|AnalyzeStack|Remediate)$/.test(s.name))
    .reduce((t, s) => t + s.end - s.start, 0);
  return {
    "CLI start (backend, language host handshake)": plan.start - root.start,
    "engine setup before the program": run.start - plan.start,
    "  of which policy pack start": packStart,
    "language host locating the SDK": exec.start - run.start,
    "node + @pulumi/pulumi start": program.start - exec.start,
    "program load (module evaluation)": loaded - program.start,
    "resource registrations": exec.end - loaded,
    "  of which resource plugin start": plugins("resource"),
    "  of which policy calls (Analyze/Remediate)": policyCalls,
    "engine finish (summary)": root.end - exec.end,
  };
}
