/** Routing and replies of the fake Fly API: JSON in, JSON out, errors shaped as Fly's APIs shape them. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Call } from "./calls";

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The raw body (flyctl sends JSON, or nothing). */
  body: string;
  json<T = Record<string, unknown>>(): T;
  headers: IncomingMessage["headers"];
  /** The flyctl call this request belongs to (undefined for requests on the main port). */
  call?: Call;
  stateDir: string;
  /** The organizations the token belongs to (slugs). */
  orgs: string[];
  /** Set by handlers that changed the state (calls.jsonl `changed`). */
  changed: boolean;
  /** Filled for the request log: the GraphQL operation or a short label. */
  label?: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as is (text/plain) instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: Request, params: string[]) => Promise<Reply> | Reply;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** An error the way the Machines API answers one: `{"error": "..."}` (fly-go flaps/errors.go reads `error`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new ApiError(404, message);

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers = { ...(reply.headers ?? {}) };
  if (reply.text !== undefined) {
    res.writeHead(reply.status, { "content-type": "text/plain", ...headers });
    res.end(reply.text);
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(reply.body));
}
