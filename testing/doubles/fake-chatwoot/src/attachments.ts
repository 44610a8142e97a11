/**
 * The stand-in's attachments, kept where Chatwoot's Active Storage keeps them
 * (ACTIVE_STORAGE_SERVICE, default local; config/storage.yml):
 * - `s3_compatible`: an object `attachments/<name>` in STORAGE_BUCKET_NAME, through the S3 API (s3.ts);
 * - `local`: a file on the machine's own disk. A Fly machine's root filesystem is new at every start
 *   (deploy, restart), so here it is a directory named after the machine and its instance
 *   (FLY_MACHINE_VERSION changes with every start), removed when the process stops.
 * `PUT /fake/attachments/<name>` stores the body (201); `GET` returns it (200) or 404.
 */
import * as fs from "node:fs";
import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { error as logError, info } from "./log";
import { s3Request, s3SettingsFromEnv } from "./s3";

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function attachments() {
  const service = process.env.ACTIVE_STORAGE_SERVICE || "local";
  const disk = path.join(
    os.tmpdir(),
    `fake-chatwoot-disk-${process.env.FLY_MACHINE_ID ?? "local"}-${process.env.FLY_MACHINE_VERSION ?? process.pid}`,
  );
  if (service === "local") {
    fs.mkdirSync(disk, { recursive: true });
    // The machine's disk goes with the machine: nothing written here survives a restart.
    process.on("exit", () => fs.rmSync(disk, { recursive: true, force: true }));
  }
  info("web", `Active Storage service ${service}${service === "local" ? ` (machine disk ${disk})` : ""}`);
  const s3 = s3SettingsFromEnv();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> => {
    const reply = (status: number, body: string | Buffer) => {
      res.writeHead(status, { "content-type": "application/octet-stream" });
      res.end(body);
    };
    if (!/^[A-Za-z0-9._-]+$/.test(name)) return reply(400, "bad attachment name");
    try {
      if (req.method === "PUT") {
        const body = await readBody(req);
        if (service === "s3_compatible") {
          const put = await s3Request(s3, "PUT", `attachments/${name}`, body);
          if (put.status !== 200) throw new Error(`S3 PUT answered ${put.status}: ${put.body.toString().slice(0, 200)}`);
        } else if (service === "local") {
          fs.writeFileSync(path.join(disk, name), body);
        } else {
          throw new Error(`Active Storage service ${service} is not emulated`);
        }
        return reply(201, "stored");
      }
      if (req.method === "GET") {
        if (service === "s3_compatible") {
          const got = await s3Request(s3, "GET", `attachments/${name}`);
          return got.status === 200 ? reply(200, got.body) : reply(404, "Not Found");
        }
        const file = path.join(disk, name);
        return fs.existsSync(file) ? reply(200, fs.readFileSync(file)) : reply(404, "Not Found");
      }
      return reply(405, "Method Not Allowed");
    } catch (e) {
      logError("web", `attachment ${name}: ${(e as Error).message}`);
      return reply(500, "Internal Server Error");
    }
  };
  return { service, handle };
}
