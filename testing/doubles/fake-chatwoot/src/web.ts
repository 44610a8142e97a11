/**
 * `bin/rails server -b H -p P -e E` (Puma): holds max(1, WEB_CONCURRENCY) x RAILS_MAX_THREADS
 * database connections (defaults 0 and 5) and serves Chatwoot's unauthenticated routes on
 * 127.0.0.1:P (the -b address is ignored: this stand-in never listens beyond loopback):
 * GET /health -> 200 {"status":"woot"}; GET /api -> 200 {version, timestamp, queue_services,
 * data_services}; PUT/GET /fake/attachments/<name>: an attachment kept where Active Storage would keep
 * it (attachments.ts); anything else 404. SIGTERM/SIGINT: close the connections and exit 0.
 */
import * as http from "node:http";
import { dbSettings } from "./db";
import { ConnectionHolder } from "./holder";
import { error as logError, info, intEnv } from "./log";
import { redisPing } from "./redis";
import { attachments } from "./attachments";

function flag(args: string[], short: string, long: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === short || args[i] === long) return args[i + 1];
    if (args[i].startsWith(`${long}=`)) return args[i].slice(long.length + 1);
  }
  return undefined;
}

/** Chatwoot's version as its image tag says (chatwoot/chatwoot:v4.14.0 -> 4.14.0). */
export function chatwootVersion(): string {
  if (process.env.FAKE_CHATWOOT_VERSION) return process.env.FAKE_CHATWOOT_VERSION;
  const tag = /:v?([0-9][^@]*)/.exec(process.env.FLY_IMAGE_REF ?? "")?.[1];
  return tag ?? "4.14.0";
}

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "");
}

export function runWeb(args: string[]): void {
  const port = Number(flag(args, "-p", "--port") ?? process.env.PORT ?? 3000);
  const railsEnv = flag(args, "-e", "--environment") ?? process.env.RAILS_ENV ?? "development";
  const workers = intEnv("WEB_CONCURRENCY", 0);
  const threads = intEnv("RAILS_MAX_THREADS", 5);
  const machine = process.env.FLY_MACHINE_ID ?? "local";
  const holder = new ConnectionHolder(dbSettings(), Math.max(1, workers) * threads, `chatwoot-web-${machine}`, "web");
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
    res.end(text);
  };
  const store = attachments();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path.startsWith("/fake/attachments/"))
      return void store.handle(req, res, decodeURIComponent(path.slice("/fake/attachments/".length)));
    if (req.method === "GET" && path === "/health") return send(res, 200, { status: "woot" });
    if (req.method === "GET" && path === "/api") {
      void Promise.all([redisPing(process.env.REDIS_URL, process.env.REDIS_PASSWORD), holder.healthy()]).then(([redis, db]) =>
        send(res, 200, {
          version: chatwootVersion(),
          timestamp: timestamp(),
          queue_services: redis ? "ok" : "failing",
          data_services: db ? "ok" : "failing",
        }),
      );
      return;
    }
    send(res, 404, "Not Found");
  });
  server.on("error", (e) => {
    logError("web", `cannot listen on 127.0.0.1:${port}: ${e.message}`);
    process.exit(1);
  });
  info(
    "web",
    `Puma starting in ${workers > 0 ? `cluster mode (${workers} workers)` : "single mode"}, ${threads} threads, environment ${railsEnv}`,
  );
  server.listen(port, "127.0.0.1", () => info("web", `* Listening on http://127.0.0.1:${port}`));
  holder.start();
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    info("web", `- Gracefully stopping (${sig}), waiting for requests to finish`);
    server.close();
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
    void holder.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
