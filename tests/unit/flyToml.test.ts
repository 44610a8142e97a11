import { parse } from "smol-toml";
import { PROCESS_COMMANDS } from "../../lib/chatwoot";
import { renderFlyToml, tomlString } from "../../lib/flyToml";
import { planOf, stagingWith } from "../support/configs";

describe("fly.toml rendering", () => {
  const plan = planOf(
    stagingWith({
      processes: { web: { memoryMb: 2048 }, worker: { memoryMb: 4096, cpus: 2 } },
      rails: { extraEnv: { SMTP_ADDRESS: 'smtp "relay" \\ host' } },
    }),
  );
  const toml = parse(plan.flyToml) as Record<string, unknown> & {
    env: Record<string, string>;
    processes: Record<string, string>;
    vm: Array<{ memory: string; cpus: number; cpu_kind: string; processes: string[] }>;
    http_service: { internal_port: number; processes: string[]; checks: Array<{ path: string }> };
    deploy: { strategy: string };
  };

  it("names the app and region", () => {
    expect(toml).toMatchObject({ app: "hotdash-chatwoot", primary_region: "iad" });
  });

  it("has Chatwoot's two process groups with the Procfile commands", () => {
    expect(toml.processes).toEqual(PROCESS_COMMANDS);
    expect(toml.processes.web).toContain("bundle exec rails ip_lookup:setup && exec bin/rails server -b 0.0.0.0 -p $PORT");
    expect(toml.processes.worker).toContain("bundle exec sidekiq -C config/sidekiq.yml");
  });

  it("gives every group its own [[vm]] so a deploy applies each group's memory", () => {
    expect(toml.vm).toEqual([
      { memory: "2048mb", cpus: 1, cpu_kind: "shared", processes: ["web"] },
      { memory: "4096mb", cpus: 2, cpu_kind: "shared", processes: ["worker"] },
    ]);
  });

  it("puts the non-secret settings in [env], escaped, and no secret name", () => {
    expect(toml.env).toMatchObject({
      RAILS_ENV: "production",
      NODE_ENV: "production",
      RAILS_LOG_TO_STDOUT: "true",
      RAILS_MAX_THREADS: "5",
      WEB_CONCURRENCY: "0",
      SIDEKIQ_CONCURRENCY: "10",
      PORT: "3000",
    });
    expect(toml.env.SMTP_ADDRESS).toBe('smtp "relay" \\ host');
    for (const name of ["DATABASE_URL", "POSTGRES_PASSWORD", "REDIS_URL", "SECRET_KEY_BASE"]) expect(toml.env).not.toHaveProperty(name);
  });

  it("serves web only, with the check on a path Chatwoot serves", () => {
    expect(toml.http_service).toMatchObject({ internal_port: 3000, processes: ["web"], checks: [{ path: "/health" }] });
    expect(toml.deploy).toEqual({ strategy: "rolling" });
  });

  it("escapes control characters as TOML requires", () => {
    expect(parse(`v = ${tomlString("a\u0001b\u007fc\td\ne")}`)).toEqual({ v: "a\u0001b\u007fc\td\ne" });
  });

  it("is stable: the same input renders the same text", () => {
    const vm = { count: 1, memoryMb: 1024, cpus: 1 as const, cpuKind: "shared" as const };
    const input = {
      app: "a",
      primaryRegion: "iad",
      env: { B: "2", A: "1" },
      processes: { web: vm, worker: vm },
      deploy: { strategy: "rolling" as const, healthCheckPath: "/health", internalPort: 3000 },
    };
    expect(renderFlyToml(input)).toBe(renderFlyToml({ ...input, env: { A: "1", B: "2" } }));
  });
});
