/**
 * The fake Fly API: one loopback HTTP server answering what real flyctl asks of Fly.io's GraphQL
 * API, Machines API (flaps) and REST API (uiex) for the calls of docs/flyctl-contract.md. The state
 * (apps, secrets, releases, machines) is fake-flyctl's state.json, and machines are fake-flyctl's
 * local processes (its runtime and supervisor), so both doubles share one "Fly.io" and one format.
 *
 * Every request is logged to requests.jsonl (call, method, path, GraphQL operation, status, ms).
 * A request nothing answers gets 404 and is logged with `unhandled: true`.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Fault } from "../../fake-flyctl/src/faults";
import { type Call, Calls } from "./calls";
import { ApiError, type Reply, type Request, type Route, readBody, send } from "./http";
import { routes } from "./routes";

export interface RequestRecord {
  ts: string;
  call?: string;
  command?: string | null;
  method: string;
  path: string;
  label?: string;
  status: number;
  ms: number;
  unhandled?: boolean;
}

export interface FakeFlyApiOptions {
  /** The real flyctl that bin/flyctl runs. */
  flyctl: string;
  /**
   * Organizations the token belongs to (slugs), besides the orgs of existing apps. ASSUMPTION: one
   * token sees these orgs and nothing else; `personal` is always there (Fly gives every user one).
   */
  orgs?: string[];
}

export class FakeFlyApi {
  private server?: http.Server;
  private calls?: Calls;
  private readonly routes: Route[];
  port = 0;

  constructor(
    readonly stateDir: string,
    readonly options: FakeFlyApiOptions,
  ) {
    this.routes = routes();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    fs.mkdirSync(this.stateDir, { recursive: true });
    this.calls = new Calls(this.stateDir, (call) => (req, res) => void this.handle(req, res, call));
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    fs.writeFileSync(
      path.join(this.stateDir, "api.env"),
      `FAKE_FLY_API_PORT=${this.port}\nFAKE_FLY_REAL_FLYCTL=${shellQuote(this.options.flyctl)}\n`,
    );
    return this;
  }

  async stop(): Promise<void> {
    this.calls?.closeAll();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    fs.rmSync(path.join(this.stateDir, "api.env"), { force: true });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The environment that points a real flyctl at this server (bin/flyctl adds HOME and a per-call port). */
  flyctlEnv(home: string): Record<string, string> {
    return {
      HOME: home,
      FLY_API_BASE_URL: this.url,
      FLY_FLAPS_BASE_URL: this.url,
      FLY_UIEX_BASE_URL: this.url,
      FLY_METRICS_BASE_URL: this.url,
      FLY_NO_UPDATE_CHECK: "1",
    };
  }

  private async handle(raw: http.IncomingMessage, res: http.ServerResponse, call?: Call): Promise<void> {
    const started = Date.now();
    const url = new URL(raw.url ?? "/", "http://127.0.0.1");
    const body = await readBody(raw).catch(() => "");
    if (!call && url.pathname.startsWith("/__fake/")) return this.control(raw.method ?? "GET", url, body, res);
    if (call) call.requests += 1;
    const req: Request = {
      method: raw.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body,
      json: <T>() => (body ? JSON.parse(body) : {}) as T,
      headers: raw.headers,
      call,
      stateDir: this.stateDir,
      orgs: ["personal", ...(this.options.orgs ?? [])],
      changed: false,
    };
    let reply: Reply;
    let unhandled = false;
    try {
      const hung = this.faultHang(req);
      if (hung) return; // never answered: the caller's time limit is what is under test
      const failed = faultFail(req);
      const route = this.routes.find((r) => r.method === req.method && r.pattern.test(req.path));
      if (failed) reply = failed;
      else if (!route) {
        unhandled = true;
        reply = { status: 404, body: { error: `fake-fly-api: nothing answers ${req.method} ${req.path}` } };
      } else {
        reply = await route.handler(req, route.pattern.exec(req.path)?.slice(1) ?? []);
      }
    } catch (error) {
      if (error instanceof ApiError) reply = { status: error.status, body: { error: error.message } };
      else {
        reply = { status: 500, body: { error: `fake-fly-api internal error: ${(error as Error)?.stack ?? String(error)}` } };
        unhandled = true;
      }
    }
    if (call && req.changed) call.changed = true;
    send(res, reply);
    this.log({
      ts: new Date(started).toISOString(),
      ...(call ? { call: call.id, command: call.command } : {}),
      method: req.method,
      path: req.path + (url.search || ""),
      ...(req.label ? { label: req.label } : {}),
      status: reply.status,
      ms: Date.now() - started,
      ...(unhandled ? { unhandled: true } : {}),
    });
  }

  /** A `hang` fault: every request of the call is left unanswered. */
  private faultHang(req: Request): boolean {
    if (req.call?.fault?.mode !== "hang") return false;
    req.label = "fault: hang";
    return true;
  }

  private async control(method: string, url: URL, body: string, res: http.ServerResponse): Promise<void> {
    const calls = this.calls!;
    if (method === "POST" && url.pathname === "/__fake/calls") {
      const argv = body.split("\0");
      if (argv.at(-1) === "") argv.pop();
      const call = await calls.begin(argv);
      send(res, { status: 200, text: `${call.id} ${call.port}` });
      return;
    }
    const end = /^\/__fake\/calls\/(\d+)\/end$/.exec(url.pathname);
    if (method === "POST" && end) {
      calls.end(end[1], Number(url.searchParams.get("code") ?? "1"));
      send(res, { status: 204 });
      return;
    }
    send(res, { status: 404, text: "unknown control request" });
  }

  private log(record: RequestRecord): void {
    try {
      fs.appendFileSync(path.join(this.stateDir, "requests.jsonl"), `${JSON.stringify(record)}\n`);
    } catch {
      // Logging never changes an answer.
    }
  }
}

/**
 * A `fail` fault (faults.json): every request of the call that would change something (a Machines API
 * request other than GET, a GraphQL mutation) fails; reads still answer, so flyctl gets as far as it
 * would against a failing Fly. The answer is `message` (else the fault's `stderr` without "Error: ")
 * with `status` (default 500), or a GraphQL error.
 */
function faultFail(req: Request): Reply | undefined {
  const fault = req.call?.fault as (Fault & { message?: string; status?: number }) | undefined;
  if (fault?.mode !== "fail") return undefined;
  // flyctl's usage metrics are not the call's work: failing them only adds a warning to its output.
  if (req.path === "/metrics_post") return undefined;
  const isGraphql = req.path === "/graphql";
  const mutating = isGraphql ? /^\s*mutation\b/.test(req.json<{ query?: string }>().query ?? "") : req.method !== "GET";
  // A call that changes something fails where it writes; a read-only call (secrets list) where it reads.
  if (!mutating && req.call?.mutating) return undefined;
  const message = fault.message ?? (fault.stderr ?? "injected failure").replace(/^Error:\s*/, "").trim();
  req.label = `fault: fail ${req.label ?? ""}`.trim();
  return isGraphql
    ? { status: 200, body: { data: null, errors: [{ message }] } }
    : { status: fault.status ?? 500, body: { error: message } };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Every request logged so far, oldest first. */
export function readRequests(stateDir: string): RequestRecord[] {
  const file = path.join(stateDir, "requests.jsonl");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord);
}
