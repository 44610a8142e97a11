/**
 * A throwaway Pulumi backend for the engine benchmarks (file backend, passphrase, PULUMI_HOME in a temp
 * dir) and the stacks they preview: each stack is initialised in a temp copy of its project file and its
 * config lives in the temp dir (--config-file), so nothing is written into the repository.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type Measured, measure } from "./measure";

export const REPO = join(__dirname, "..", "..");

/** The policy pack directory (`--policy-pack policies`). */
export const PACK = join(REPO, "policies");

/** Processes of the policy pack, for its own peak memory. */
export const PACK_PROCESS = /run-policy-pack/;

export interface PreviewOptions {
  pack?: string;
  env?: Record<string, string>;
  args?: string[];
}

export class BenchEngine {
  readonly tmp = mkdtempSync(join(tmpdir(), "chatwoot-bench-"));
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    mkdirSync(join(this.tmp, "state"));
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${join(this.tmp, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "bench-throwaway",
      PULUMI_HOME: join(this.tmp, "home"),
    };
  }

  async pulumi(args: string[], cwd = REPO, env: Record<string, string> = {}, stdin?: string): Promise<Measured> {
    return measure("pulumi", args, { env: { ...this.env, ...env }, cwd, labels: { pack: PACK_PROCESS }, stdin });
  }

  /** Creates `stack` for the project in `projectDir`; returns its config file (in the temp dir). */
  async stack(projectDir: string, stack: string, base?: string): Promise<string> {
    const copy = mkdtempSync(join(this.tmp, `${basename(projectDir)}-`));
    copyFileSync(join(projectDir, "Pulumi.yaml"), join(copy, "Pulumi.yaml"));
    const init = await this.pulumi(["stack", "init", stack, "--non-interactive", "-C", copy]);
    if (init.code !== 0) throw new Error(`stack init ${stack} failed:\n${init.output}`);
    const salt = readFileSync(join(copy, `Pulumi.${stack}.yaml`), "utf8");
    const file = join(this.tmp, `${stack}.yaml`);
    writeFileSync(file, base ? `${readFileSync(base, "utf8")}\n${salt}` : salt);
    return file;
  }

  /** The staging stack of the real program, with placeholder secrets (preview never uses them). */
  async stagingStack(): Promise<string> {
    const file = await this.stack(REPO, "bench", join(REPO, "tests/fixtures/staging.yaml"));
    for (const [key, value] of [
      ["databasePassword", "bench-placeholder"],
      ["redisUrl", "rediss://default:bench@redis.example:6379"],
      ["secretKeyBase", "b".repeat(64)],
      ["flyApiToken", "bench-placeholder"],
      ["storageAccessKeyId", "bench-placeholder"],
      ["storageSecretAccessKey", "bench-placeholder"],
    ]) {
      // The value on stdin, never argv.
      const set = await this.pulumi(
        ["config", "set", "--secret", `chatwoot:${key}`, "--stack", "bench", "--config-file", file],
        REPO,
        {},
        value,
      );
      if (set.code !== 0) throw new Error(`config set ${key} failed:\n${set.output}`);
    }
    return file;
  }

  preview(projectDir: string, stack: string, configFile: string, opts: PreviewOptions = {}): Promise<Measured> {
    const args = ["preview", "--stack", stack, "--config-file", configFile, "-C", projectDir, "--non-interactive", ...(opts.args ?? [])];
    if (opts.pack) args.push("--policy-pack", opts.pack);
    return this.pulumi(args, projectDir, opts.env);
  }

  dispose(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
