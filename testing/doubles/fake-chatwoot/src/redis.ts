/**
 * Chatwoot's queue_services probe without a Redis library: a raw RESP exchange on a TCP (or TLS for
 * rediss://) socket: `AUTH [user] password` when there is a password (REDIS_PASSWORD wins over the
 * URL's, as redis-rb's :password option does), then `PING`, expecting `+PONG`.
 */
import * as net from "node:net";
import * as tls from "node:tls";

function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

export function redisPing(rawUrl: string | undefined, password: string | undefined, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(rawUrl || "redis://127.0.0.1:6379");
    } catch {
      resolve(false);
      return;
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
    const port = Number(url.port || 6379);
    const user = url.username ? decodeURIComponent(url.username) : "";
    const pass = password || (url.password ? decodeURIComponent(url.password) : "");
    const socket: net.Socket = url.protocol === "rediss:" ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    let buffer = "";
    let expected = pass ? 2 : 1;
    let done = false;
    const end = (ok: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => end(false));
    socket.on("error", () => end(false));
    socket.on("close", () => end(false));
    socket.once(url.protocol === "rediss:" ? "secureConnect" : "connect", () => {
      let out = "";
      if (pass) out += user ? command("AUTH", user, pass) : command("AUTH", pass);
      out += command("PING");
      socket.write(out);
    });
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (line.startsWith("-")) return end(false);
        expected -= 1;
        if (expected === 0) return end(line === "+PONG");
      }
    });
  });
}
