/**
 * A minimal S3 client for the stand-ins and the test harness: PUT/GET object and PUT bucket, signed with
 * AWS Signature Version 4 (AWS docs, "Signature Version 4 signing process" for S3: canonical request,
 * string to sign, HMAC-SHA256 key derivation with the service "s3"), path-style or virtual-host-style
 * addressing as Chatwoot's `force_path_style` chooses (config/storage.yml s3_compatible). Settings come
 * from the same STORAGE_* variables Chatwoot reads.
 */
import { createHash, createHmac } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";

export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Chatwoot's s3_compatible settings from the environment (config/storage.yml). */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  return {
    endpoint: env.STORAGE_ENDPOINT ?? "",
    region: env.STORAGE_REGION ?? "",
    bucket: env.STORAGE_BUCKET_NAME ?? "",
    accessKeyId: env.STORAGE_ACCESS_KEY_ID ?? "",
    secretAccessKey: env.STORAGE_SECRET_ACCESS_KEY ?? "",
    forcePathStyle: env.STORAGE_FORCE_PATH_STYLE === "true",
  };
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
/** RFC 3986 encoding as SigV4 wants it (every byte but unreserved ones), keeping "/" in paths. */
const encodePath = (path: string) =>
  path
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");

export interface S3Response {
  status: number;
  body: Buffer;
}

/** One signed request: `key` undefined addresses the bucket itself. */
export function s3Request(s: S3Settings, method: string, key: string | undefined, body: Buffer = Buffer.alloc(0)): Promise<S3Response> {
  const base = new URL(s.endpoint);
  const host = s.forcePathStyle ? base.host : `${s.bucket}.${base.host}`;
  const prefix = base.pathname.replace(/\/$/, "");
  const objectPath = key === undefined ? "" : `/${key}`;
  const path = encodePath(s.forcePathStyle ? `${prefix}/${s.bucket}${objectPath}` : `${prefix}${objectPath || "/"}`);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256(body);
  const headers: Record<string, string> = { host, "x-amz-content-sha256": payloadHash, "x-amz-date": amzDate };
  const signedHeaders = Object.keys(headers).sort().join(";");
  const canonical = [
    method,
    path,
    "",
    ...Object.keys(headers)
      .sort()
      .map((h) => `${h}:${headers[h]}`),
    "",
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${s.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${s.secretAccessKey}`, date), s.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", signingKey).update(toSign).digest("hex");
  const authorization = `AWS4-HMAC-SHA256 Credential=${s.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const lib = base.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: base.hostname,
        port: base.port || undefined,
        method,
        path,
        headers: { ...headers, authorization, "content-length": String(body.length) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("S3 request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
