/**
 * A minimal Redis client (RESP2 over TCP, or TLS for rediss://) for the stand-in worker: commands in
 * order, one reply each. Enough for Sidekiq's fetch (BRPOP) and requeue (RPUSH). The URL's path picks
 * the database (SELECT n), as redis-rb does; REDIS_PASSWORD wins over the URL's password.
 */
import * as net from "node:net";
import * as tls from "node:tls";

export type Reply = string | number | null | Reply[] | Error;

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Parses one reply from `buf` at `pos`; undefined when the buffer does not hold all of it yet. */
function parse(buf: Buffer, pos: number): { reply: Reply; next: number } | undefined {
  const nl = buf.indexOf("\r\n", pos);
  if (nl < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, nl);
  switch (type) {
    case "+":
      return { reply: line, next: nl + 2 };
    case "-":
      return { reply: new Error(line), next: nl + 2 };
    case ":":
      return { reply: Number(line), next: nl + 2 };
    case "$": {
      const len = Number(line);
      if (len < 0) return { reply: null, next: nl + 2 };
      if (buf.length < nl + 2 + len + 2) return undefined;
      return { reply: buf.toString("utf8", nl + 2, nl + 2 + len), next: nl + 2 + len + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: null, next: nl + 2 };
      const items: Reply[] = [];
      let next = nl + 2;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, next);
        if (!item) return undefined;
        items.push(item.reply);
        next = item.next;
      }
      return { reply: items, next };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

export class RedisConnection {
  private buffer = Buffer.alloc(0);
  private readonly pending: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parse(this.buffer, 0);
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.next);
        this.pending.shift()?.resolve(parsed.reply);
      }
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed")));
  }

  static async open(rawUrl: string | undefined, password: string | undefined): Promise<RedisConnection> {
    const url = new URL(rawUrl || "redis://127.0.0.1:6379");
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
    const port = Number(url.port || 6379);
    const secure = url.protocol === "rediss:";
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s: net.Socket = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
      s.once(secure ? "secureConnect" : "connect", () => resolve(s));
      s.once("error", reject);
    });
    const conn = new RedisConnection(socket);
    const user = url.username ? decodeURIComponent(url.username) : "";
    const pass = password || (url.password ? decodeURIComponent(url.password) : "");
    if (pass) await conn.ok(user ? ["AUTH", user, pass] : ["AUTH", pass]);
    const db = url.pathname.replace(/^\//, "");
    if (db) await conn.ok(["SELECT", db]);
    return conn;
  }

  command(args: string[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(encode(args));
    });
  }

  /** A command whose error reply is thrown. */
  async ok(args: string[]): Promise<Reply> {
    const reply = await this.command(args);
    if (reply instanceof Error) throw reply;
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}
