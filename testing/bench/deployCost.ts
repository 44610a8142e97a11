/**
 * Deploy cost per change on the local target, and the incident's hand-run sequence replayed against
 * the same flyctl stand-in and PgBouncer session pool.
 */
import { encodeSecretsForImport } from "../../lib/secretsImport";
import { LocalStack, type StackOverrides } from "../local/localStack";
import { IMAGE_NEW, IMAGE_OLD } from "../local/scenario";
import { join } from "node:path";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import { validatePlain } from "../../lib/config/validate";
import { buildPlan } from "../../lib/plan";
import { tmpdir } from "node:os";

export interface Cost {
  change: string;
  /** Machines a single change has to touch (its restart budget); undefined for other rows. */
  affected?: number;
  seconds: number;
  calls: number;
  mutating: number;
  restarts: number;
  peakClients: number;
  exit: number;
}

/** Samples the session pool's clients while `work` runs; returns the peak. */
async function withPeak<T>(stack: LocalStack, work: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const pool = await stack.session.pool().catch(() => undefined);
      if (pool) peak = Math.max(peak, pool.cl_active + pool.cl_waiting);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const value = await work();
  running = false;
  await sampler;
  return { value, peak };
}

async function measure(stack: LocalStack, change: string, work: () => Promise<{ code: number }>): Promise<Cost> {
  const calls = stack.flyCalls().length;
  const restartsBefore = new Map(stack.machines().map((m) => [m.id, m.restarts]));
  const started = Date.now();
  const { value, peak } = await withPeak(stack, work);
  const made = stack.flyCalls().slice(calls);
  return {
    change,
    seconds: (Date.now() - started) / 1000,
    calls: made.length,
    mutating: made.filter((c) => c.mutating).length,
    // Restarts of the machines that exist after the change (new and destroyed machines do not count).
    restarts: stack.machines().reduce((n, m) => n + m.restarts - (restartsBefore.get(m.id) ?? m.restarts), 0),
    peakClients: peak,
    exit: value.code,
  };
}

export async function deployCost(say: (line?: string) => void): Promise<Cost[]> {
  say("## 6. Deploy cost per change (local target: flyctl stand-in, PgBouncer session pool of 15)");
  say("");
  const stack = new LocalStack(mkdtempSync(join(tmpdir(), "chatwoot-bench-local-")));
  await stack.start();
  const costs: Cost[] = [];
  try {
    let overrides: StackOverrides = { image: IMAGE_OLD, migrations: "direct" };
    const up = (change: string, next: StackOverrides, affected?: number) => {
      overrides = { ...overrides, ...next };
      stack.writeConfig(overrides);
      return measure(stack, change, () => stack.up(true)).then((c) => costs.push({ ...c, affected }));
    };
    await up("first deploy", {});
    await up("no-op", {}, 0);
    await measure(stack, "one secret changed", async () => {
      await stack.setSecret("redisUrl", "redis://127.0.0.1:6379/1");
      return stack.up(true);
    }).then((c) => costs.push({ ...c, affected: 2 }));
    // 1536 MB: a size Fly takes on shared-cpu-1x (at most 2048 MB per shared CPU, in 256 MB steps).
    await up("memory of one group (web 2048 -> 1536 MB)", { webMemoryMb: 1536 }, 1);
    await up(`image (${IMAGE_OLD} -> ${IMAGE_NEW})`, { image: IMAGE_NEW }, 2);
    await up("machine count (worker 1 -> 0)", { workerCount: 0 }, 1);
    await stack.destroy();
    costs.push(...(await handRun(stack)));
  } finally {
    await stack.destroy().catch(() => undefined);
    await stack.stop();
    rmSync(stack.stateDir, { recursive: true, force: true });
  }
  say("| change | wall s | flyctl calls | mutating | machine restarts | machines affected | peak session-pool clients | exit |");
  say("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const c of costs)
    say(
      `| ${c.change} | ${c.seconds.toFixed(0)} | ${c.calls} | ${c.mutating} | ${c.restarts} | ${c.affected ?? "-"} | ${c.peakClients} | ${c.exit} |`,
    );
  say("");
  return costs;
}

/**
 * The incident's sequence by hand: app, deploy, secrets set one at a time without staging, memory of
 * each process group scaled to 2048 MB, the migration on the session pooler (refused: the pool is
 * full), the worker scaled to 0 and back around a second try. The hand-made fly.toml leaves memory at
 * Fly's default (256 MB, shared-cpu-1x), which is why the team scaled it.
 */
async function handRun(stack: LocalStack): Promise<Cost[]> {
  // By hand the operator's own token is in the environment (the stack passes its configured one).
  const flyctl = (args: string[], stdin?: string) => stack.run("env", ["FLY_API_TOKEN=hand-run-token", stack.fly.flyctl, ...args], stdin);
  const fly = (label: string, args: string[], stdin?: string) => measure(stack, label, () => flyctl(args, stdin));
  const app = "chatwoot-local";
  const s = stack.session;
  const sessionUrl = `postgres://${s.user}:${encodeURIComponent(s.password)}@127.0.0.1:${s.port}/${s.database}?sslmode=disable`;
  const secrets: Record<string, string> = {
    DATABASE_URL: sessionUrl,
    POSTGRES_HOST: "127.0.0.1",
    POSTGRES_PORT: String(s.port),
    POSTGRES_DATABASE: s.database,
    POSTGRES_USERNAME: s.user,
    POSTGRES_PASSWORD: s.password,
    REDIS_URL: "redis://127.0.0.1:6379/0",
    FRONTEND_URL: "http://localhost:3000",
    SECRET_KEY_BASE: "h".repeat(64),
  };
  const dir = mkdtempSync(join(tmpdir(), "hand-run-"));
  const flyToml = join(dir, "fly.toml");
  stack.writeConfig({ image: IMAGE_OLD, migrations: "session" });
  const rendered = parse(readFileSync(join(stack.stateDir, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
  const plain = Object.fromEntries(
    Object.entries(rendered.config)
      .filter(([, v]) => !(typeof v === "object" && v && "secure" in v))
      .map(([k, v]) => [k.replace(/^chatwoot:/, ""), v]),
  );
  const processes = plain.processes as Record<string, { memoryMb: number }>;
  for (const group of Object.values(processes)) group.memoryMb = 256;
  writeFileSync(flyToml, buildPlan(validatePlain(plain).config!).flyToml);
  const costs: Cost[] = [];
  const step = async (label: string, args: string[], stdin?: string) => costs.push(await fly(label, args, stdin));
  await step("hand: apps create", ["apps", "create", app, "--org", "local", "--json"]);
  await step("hand: deploy", [
    "deploy",
    "--app",
    app,
    "--image",
    IMAGE_OLD,
    "--config",
    flyToml,
    "--strategy",
    "rolling",
    "--ha=false",
    "--yes",
  ]);
  for (const [key, value] of Object.entries(secrets))
    await step(`hand: secrets set ${key}`, ["secrets", "import", "--app", app], encodeSecretsForImport({ [key]: value }));
  for (const group of ["web", "worker"])
    await step(`hand: scale memory 2048 --process-group ${group}`, ["scale", "memory", "2048", "--process-group", group, "-a", app]);
  const migrate = ["machine", "run", IMAGE_NEW, "--app", app, "--restart", "no", "--", "bundle", "exec", "rails", "db:chatwoot_prepare"];
  await step("hand: migration on the session pooler", migrate);
  await new Promise((r) => setTimeout(r, 8000));
  await step("hand: scale worker to 0", ["scale", "count", "worker=0", "--app", app, "--yes"]);
  await step("hand: migration again", migrate);
  await new Promise((r) => setTimeout(r, 8000));
  await step("hand: scale worker back to 1", ["scale", "count", "worker=1", "--app", app, "--yes"]);
  rmSync(dir, { recursive: true, force: true });
  const total = costs.reduce(
    (t, c) => ({
      ...t,
      seconds: t.seconds + c.seconds,
      calls: t.calls + c.calls,
      mutating: t.mutating + c.mutating,
      restarts: t.restarts + c.restarts,
      peakClients: Math.max(t.peakClients, c.peakClients),
    }),
    { change: "**hand-run sequence, total**", seconds: 0, calls: 0, mutating: 0, restarts: 0, peakClients: 0, exit: 0 },
  );
  await flyctl(["apps", "destroy", app, "--yes"]);
  return [...costs, total];
}
