/**
 * A real S3-compatible server on this machine for the tests and `npm run local`: versitygw's posix
 * backend (build.sh beside this file builds it into ~/.cache/chatwoot-fly/s3) on 127.0.0.1 and a free
 * port, with a throwaway root directory and random root keys. start() builds (or finds) the binary,
 * starts it and waits until it answers; createBucket() makes a bucket through the S3 API; stop() kills it
 * and removes its directory. Nothing outlives the test process.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { s3Request, type S3Settings } from "../doubles/fake-chatwoot/src/s3";
import { freePort } from "../local/freePort";

/** versitygw's default region (its --region flag): requests must be signed for it. */
export const S3_REGION = "us-east-1";

/** The server binary: $CHATWOOT_S3_SERVER, else what testing/s3/build.sh builds or finds in the cache. */
export function s3ServerBinary(): string {
  if (process.env.CHATWOOT_S3_SERVER) return process.env.CHATWOOT_S3_SERVER;
  const built = spawnSync("bash", [path.join(__dirname, "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (built.status !== 0) throw new Error(`testing/s3/build.sh failed (exit ${built.status})`);
  return built.stdout.trim();
}

export class S3Server {
  readonly host = "127.0.0.1";
  readonly region = S3_REGION;
  readonly accessKeyId = `local${randomBytes(6).toString("hex")}`;
  readonly secretAccessKey = randomBytes(24).toString("base64url");
  private portNumber: number | undefined;
  private dir: string | undefined;
  private child: ChildProcess | undefined;
  private output = "";

  get port(): number {
    if (this.portNumber === undefined) throw new Error("the S3 server is not started");
    return this.portNumber;
  }

  /** http://127.0.0.1:<port>: plain http is accepted by the config only for this machine. */
  get endpoint(): string {
    return `http://${this.host}:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  settings(bucket: string): S3Settings {
    return {
      endpoint: this.endpoint,
      region: this.region,
      bucket,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      forcePathStyle: true,
    };
  }

  async start(): Promise<this> {
    const binary = s3ServerBinary();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatwoot-s3-"));
    this.portNumber = await freePort();
    const child = spawn(binary, ["--port", `${this.host}:${this.portNumber}`, "--region", this.region, "posix", this.dir], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ROOT_ACCESS_KEY: this.accessKeyId, ROOT_SECRET_KEY: this.secretAccessKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (d) => (this.output += d));
    child.stderr?.on("data", (d) => (this.output += d));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the S3 server exited (${child.exitCode}):\n${this.output}`);
      const answered = await s3Request(this.settings("probe"), "GET", "probe").then(
        () => true,
        () => false,
      );
      if (answered) return this;
      if (Date.now() > deadline) throw new Error(`the S3 server did not answer on ${this.endpoint}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async createBucket(bucket: string): Promise<void> {
    const created = await s3Request(this.settings(bucket), "PUT", undefined);
    if (created.status !== 200) throw new Error(`creating bucket ${bucket}: HTTP ${created.status} ${created.body.toString()}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
