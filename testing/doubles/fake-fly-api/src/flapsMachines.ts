/**
 * Machines API machines (fly-go flaps/flaps_machines.go, flaps_machines_wait.go): list, launch, get,
 * update, start, stop, restart, signal, destroy, wait, leases, metadata, cordon. Machines are
 * fake-flyctl's local processes: its runtime creates, starts, stops and destroys them.
 */
import * as http from "node:http";
import { randomBytes } from "node:crypto";
import { createMachine, destroyMachine, freePort, startMachine, stopMachine } from "../../fake-flyctl/src/runtime";
import { event } from "../../fake-flyctl/src/machineEnv";
import { machineFaultOf } from "../../fake-flyctl/src/faults";
import { getMachine, update, updateMachine } from "../../fake-flyctl/src/store";
import { isoNow, sleep } from "../../fake-flyctl/src/time";
import { ApiError, type Reply, type Request, type Route, ok } from "./http";
import {
  type ApiApp,
  type ApiMachine,
  type Json,
  type Lease,
  httpCheckOf,
  machineJson,
  requireFlapsApp,
  requireMachine,
  runtimeFields,
  servesHttp,
} from "./state";

const APP = "([^/]+)";
const ID = "([0-9a-f]+)";
const path = (suffix: string) => new RegExp(`^/v1/apps/${APP}/machines${suffix}$`);

function machineOf(req: Request, appName: string, id: string): { app: ApiApp; m: ApiMachine } {
  const app = requireFlapsApp(req.stateDir, decodeURIComponent(appName));
  return { app, m: requireMachine(app, id) };
}

/** The HTTP check of a started machine, probed now (GET 127.0.0.1:<hostPort><path> -> 200 passing). */
function probe(port: number, checkPath: string, method: string): Promise<number> {
  return new Promise((resolve) => {
    const r = http.request({ host: "127.0.0.1", port, path: checkPath, method, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on("timeout", () => r.destroy(new Error("timeout")));
    r.on("error", () => resolve(0));
    r.end();
  });
}

/**
 * fly-go MachineCheckStatus for each http check. ASSUMPTION: checks are named like Fly's service
 * checks (`servicecheck-00-http-<port>`); a machine not started reports its checks `critical`.
 */
async function checksOf(m: ApiMachine): Promise<Json[]> {
  const config = m.apiConfig;
  if (!config) return [];
  const found = httpCheckOf(config);
  if (!found) return [];
  let status = "critical";
  let output = "machine not started";
  if (m.state === "started" && m.hostPort) {
    const code = await probe(m.hostPort, found.check.path, found.check.method);
    status = code === 200 ? "passing" : "critical";
    output = code ? `HTTP GET ${found.check.path}: ${code}` : "connection refused";
  }
  return [{ name: `servicecheck-00-http-${found.port}`, status, output, updated_at: isoNow() }];
}

async function machineReply(m: ApiMachine, status = 200): Promise<Reply> {
  return ok(machineJson(m, await checksOf(m)), status);
}

function current(req: Request, app: string, id: string): ApiMachine {
  const m = getMachine(req.stateDir, app, id) as ApiMachine | undefined;
  if (!m) throw new ApiError(404, "machine not found");
  return m;
}

/** Starts in the background: the API answers at once, flyctl then waits (GET .../wait?state=started). */
function startInBackground(dir: string, app: string, id: string): void {
  startMachine(dir, app, id).catch((error: unknown) => {
    process.stderr.write(`fake-fly-api: machine ${id} failed to start: ${(error as Error).message}\n`);
  });
}

/**
 * Staged secrets reach a machine when it is created or updated (it starts with every current secret):
 * once a Fly platform machine (deploy, scale) is, fake-flyctl's `staged` flag goes, as its deploy does.
 */
function markSecretsDeployed(req: Request, appName: string, config: Json): void {
  if ((config.metadata as Json | undefined)?.fly_platform_version === undefined) return;
  update(req.stateDir, (state) => {
    for (const secret of Object.values(state.apps[appName]?.secrets ?? {})) secret.staged = false;
  });
}

async function launch(req: Request, appName: string): Promise<Reply> {
  const app = requireFlapsApp(req.stateDir, decodeURIComponent(appName));
  const input = req.json<{ config?: Json; region?: string; name?: string; skip_launch?: boolean }>();
  const config = input.config ?? {};
  const fields = runtimeFields(config);
  const m = createMachine(req.stateDir, {
    app: app.name,
    name: input.name,
    region: input.region || "iad",
    ...fields,
    hostPort: servesHttp(config) ? await freePort() : null,
    fault: machineFaultOf(req.call?.fault),
  });
  updateMachine(req.stateDir, app.name, m.id, (stored) => {
    (stored as ApiMachine).apiConfig = config;
  });
  req.changed = true;
  markSecretsDeployed(req, app.name, config);
  const reply = await machineReply(current(req, app.name, m.id));
  if (input.skip_launch) return reply;
  if (m.fault?.mode !== "exit-code") {
    startInBackground(req.stateDir, app.name, m.id);
    return reply;
  }
  // An exit-code fault stands for a command quicker than flyctl: the launch is answered once the
  // machine has exited, so flyctl's first wait for "started" finds it stopped (see wait below).
  await startMachine(req.stateDir, app.name, m.id);
  await until(() => getMachine(req.stateDir, app.name, m.id)?.state === "stopped", 10_000);
  return reply;
}

async function until(done: () => boolean, limitMs: number): Promise<void> {
  for (const deadline = Date.now() + limitMs; !done() && Date.now() < deadline;) await sleep(50);
}

/**
 * Update (POST .../machines/{id}): flyd stops the machine (its stop signal, then SIGKILL after its stop
 * timeout), applies the new config and starts it again unless skip_launch, as a new version.
 * ASSUMPTION: the answer comes once the old version stopped, before the new one started.
 */
async function updateOne(req: Request, appName: string, id: string): Promise<Reply> {
  const { app } = machineOf(req, appName, id);
  const input = req.json<{ config?: Json; region?: string; name?: string; skip_launch?: boolean }>();
  const config = input.config ?? {};
  await stopMachine(req.stateDir, app.name, id);
  const hostPort = servesHttp(config) ? (current(req, app.name, id).hostPort ?? (await freePort())) : null;
  updateMachine(req.stateDir, app.name, id, (stored) => {
    const m = stored as ApiMachine;
    Object.assign(m, runtimeFields(config), { hostPort });
    m.apiConfig = config;
    if (input.name) m.name = input.name;
    m.events.unshift(event("update", "created", "user"));
    m.updatedAt = isoNow();
  });
  req.changed = true;
  markSecretsDeployed(req, app.name, config);
  if (!input.skip_launch) startInBackground(req.stateDir, app.name, id);
  return machineReply(current(req, app.name, id));
}

/** The wait cap (Fly's is 60 s: fly-go WithWaitTimeout clamps to it); FAKE_FLY_API_WAIT_MAX_SECONDS lowers it for tests. */
function waitCapSeconds(): number {
  const raw = Number(process.env.FAKE_FLY_API_WAIT_MAX_SECONDS);
  return Number.isFinite(raw) && raw > 0 ? raw : 60;
}

const SETTLED = new Set(["started", "stopped", "suspended", "failed", "destroyed"]);

/**
 * GET .../wait?state=S&timeout=T: answers 200 `{"ok": true}` once the machine is in S ("settled":
 * any non-transitional state), else 408 after T seconds with the text Fly sends (seen in
 * superfly/flyctl issue 1760: `machine failed to reach desired state, started, currently stopped`).
 * A destroyed machine is gone from the state: it is "destroyed".
 * ASSUMPTION: the wait looks at the machine's current state, not its history. A machine that is
 * stopped or failed under restart policy "no" will never be started, so a wait for "started" fails
 * at once with that text (flyctl's WaitForStartOrStop, internal/machine/wait.go, turns it into
 * "machine failed to reach desired start state, and restart policy was set to no restart"): a
 * `machine run` whose command exits before flyctl's first wait exits 1 although the machine ran.
 */
async function wait(req: Request, appName: string, id: string): Promise<Reply> {
  const app = requireFlapsApp(req.stateDir, decodeURIComponent(appName));
  const states = req.query.getAll("state");
  const wanted = states.length ? states : ["started"];
  const timeout = Math.min(Number(req.query.get("timeout") ?? 60) || 60, waitCapSeconds());
  if (!app.machines[id] && !wanted.includes("destroyed")) throw new ApiError(404, "machine not found");
  const deadline = Date.now() + timeout * 1000;
  let last = "destroyed";
  for (;;) {
    const m = getMachine(req.stateDir, app.name, id);
    last = m?.state ?? "destroyed";
    const reached = wanted.some((s) => (s === "settled" ? SETTLED.has(last) : s === last));
    if (reached) return ok({ ok: true });
    if (wanted.includes("started") && (last === "stopped" || last === "failed") && m?.config.restart.policy === "no")
      throw new ApiError(400, `machine failed to reach desired state, started, currently ${last}`);
    if (Date.now() >= deadline) throw new ApiError(408, `machine failed to reach desired state, ${wanted.join(",")}, currently ${last}`);
    await sleep(100);
  }
}

function leaseReply(m: ApiMachine): Json {
  const l = m.lease!;
  return {
    status: "success",
    data: { nonce: l.nonce, expires_at: l.expiresAt, owner: l.owner, description: l.description, version: m.instanceId },
  };
}

/**
 * Leases (POST/GET/DELETE .../lease). ASSUMPTIONS: a lease held under another nonce is refused with
 * 409 (flyctl's AcquireLease retries on 409); the nonce header is not checked on other requests.
 */
function acquireLease(req: Request, appName: string, id: string): Reply {
  const { app } = machineOf(req, appName, id);
  const nonce = req.headers["fly-machine-lease-nonce"] as string | undefined;
  const ttl = Number(req.query.get("ttl") ?? 30) || 30;
  const now = Math.floor(Date.now() / 1000);
  const result = updateMachine(req.stateDir, app.name, id, (stored) => {
    const m = stored as ApiMachine;
    if (m.lease && m.lease.expiresAt > now && m.lease.nonce !== nonce) return { held: m.lease as Lease };
    const description = req.json<{ description?: string }>().description ?? "";
    m.lease = { nonce: nonce ?? randomBytes(8).toString("hex"), expiresAt: now + ttl, owner: "local@example.com", description };
    return { m: { ...m } as ApiMachine };
  });
  if (!result) throw new ApiError(404, "machine not found");
  if ("held" in result && result.held)
    throw new ApiError(
      409,
      `lease currently held by ${result.held.owner}, expires at ${new Date(result.held.expiresAt * 1000).toISOString()}`,
    );
  return ok(leaseReply(result.m as ApiMachine));
}

function mutate(req: Request, appName: string, id: string, fn: (m: ApiMachine) => void): ApiMachine {
  const { app } = machineOf(req, appName, id);
  const m = updateMachine(req.stateDir, app.name, id, (stored) => {
    fn(stored as ApiMachine);
    return { ...stored } as ApiMachine;
  });
  if (!m) throw new ApiError(404, "machine not found");
  return m;
}

export const machineRoutes: Route[] = [
  {
    method: "GET",
    pattern: path(""),
    handler: async (req, [appName]) => {
      const app = requireFlapsApp(req.stateDir, decodeURIComponent(appName));
      const list = Object.values(app.machines as Record<string, ApiMachine>).sort(
        (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
      return ok(await Promise.all(list.map(async (m) => machineJson(m, await checksOf(m)))));
    },
  },
  { method: "POST", pattern: path(""), handler: (req, [app]) => launch(req, app) },
  {
    method: "GET",
    pattern: path(`/${ID}`),
    handler: (req, [app, id]) => machineReply(machineOf(req, app, id).m),
  },
  { method: "POST", pattern: path(`/${ID}`), handler: (req, [app, id]) => updateOne(req, app, id) },
  {
    method: "POST",
    pattern: path(`/${ID}/start`),
    handler: (req, [appName, id]) => {
      const { app, m } = machineOf(req, appName, id);
      const previous = m.state;
      if (m.state !== "started" && m.state !== "starting") {
        req.changed = true;
        startInBackground(req.stateDir, app.name, id);
      }
      return ok({ message: "", status: "", previous_state: previous });
    },
  },
  {
    // ASSUMPTION: a stop without a signal or timeout (flyctl machine stop sends none unless asked,
    // internal/command/machine/stop.go) uses the machine's stop_config (kill_signal, kill_timeout).
    method: "POST",
    pattern: path(`/${ID}/stop`),
    handler: async (req, [appName, id]) => {
      const { app } = machineOf(req, appName, id);
      req.changed = true;
      await stopMachine(req.stateDir, app.name, id);
      return ok({ ok: true });
    },
  },
  {
    method: "POST",
    pattern: path(`/${ID}/restart`),
    handler: async (req, [appName, id]) => {
      const { app } = machineOf(req, appName, id);
      req.changed = true;
      await stopMachine(req.stateDir, app.name, id);
      startInBackground(req.stateDir, app.name, id);
      return ok({ ok: true });
    },
  },
  {
    method: "POST",
    pattern: path(`/${ID}/signal`),
    handler: async (req, [appName, id]) => {
      const { app } = machineOf(req, appName, id);
      req.changed = true;
      await stopMachine(req.stateDir, app.name, id, { kill: true });
      return ok({ ok: true });
    },
  },
  {
    // ASSUMPTION: destroying a started machine without kill=true is refused with 412 (flyctl checks the
    // state itself before it asks: internal/command/machine/destroy.go).
    method: "DELETE",
    pattern: path(`/${ID}`),
    handler: async (req, [appName, id]) => {
      const { app, m } = machineOf(req, appName, id);
      if (req.query.get("kill") !== "true" && (m.state === "started" || m.state === "starting"))
        throw new ApiError(412, `unable to destroy machine, not currently stopped or suspended (${m.state})`);
      req.changed = true;
      await destroyMachine(req.stateDir, app.name, id);
      return ok({ ok: true });
    },
  },
  { method: "GET", pattern: path(`/${ID}/wait`), handler: (req, [app, id]) => wait(req, app, id) },
  { method: "POST", pattern: path(`/${ID}/lease`), handler: (req, [app, id]) => acquireLease(req, app, id) },
  {
    method: "GET",
    pattern: path(`/${ID}/lease`),
    handler: (req, [app, id]) => {
      const { m } = machineOf(req, app, id);
      if (!m.lease || m.lease.expiresAt < Date.now() / 1000) throw new ApiError(404, "lease not found");
      return ok(leaseReply(m));
    },
  },
  {
    method: "DELETE",
    pattern: path(`/${ID}/lease`),
    handler: (req, [app, id]) => {
      mutate(req, app, id, (m) => delete m.lease);
      return ok({ ok: true });
    },
  },
  {
    method: "GET",
    pattern: path(`/${ID}/metadata`),
    handler: (req, [app, id]) => ok(machineOf(req, app, id).m.config.metadata),
  },
  {
    method: "POST",
    pattern: path(`/${ID}/metadata/([^/]+)`),
    handler: (req, [app, id, key]) => {
      const value = req.json<{ value?: string }>().value ?? "";
      mutate(req, app, id, (m) => {
        m.config.metadata[decodeURIComponent(key)] = value;
        if (m.apiConfig) m.apiConfig.metadata = { ...((m.apiConfig.metadata as Json) ?? {}), [decodeURIComponent(key)]: value };
      });
      return { status: 204 };
    },
  },
  {
    method: "DELETE",
    pattern: path(`/${ID}/metadata/([^/]+)`),
    handler: (req, [app, id, key]) => {
      mutate(req, app, id, (m) => {
        delete m.config.metadata[decodeURIComponent(key)];
        if (m.apiConfig?.metadata) delete (m.apiConfig.metadata as Json)[decodeURIComponent(key)];
      });
      return { status: 204 };
    },
  },
  {
    // Processes (fly-go MachinePsResponse): flyctl's deploy checks the app listens on internal_port.
    // ASSUMPTION: the stand-in listens where Chatwoot would, 0.0.0.0:<internal_port> of each service.
    method: "GET",
    pattern: path(`/${ID}/ps`),
    handler: (req, [app, id]) => {
      const { m } = machineOf(req, app, id);
      if (m.state !== "started" || !m.pid) return ok([]);
      const ports = ((m.apiConfig?.services as Json[] | undefined) ?? []).map((s) => Number(s.internal_port)).filter((p) => p > 0);
      const sockets = ports.map((p) => ({ proto: "tcp", address: `0.0.0.0:${p}` }));
      return ok([
        {
          pid: m.pid,
          stime: 0,
          rtime: 0,
          command: m.config.init.cmd.join(" "),
          directory: "/app",
          cpu: 0,
          rss: 0,
          listen_sockets: sockets,
        },
      ]);
    },
  },
  { method: "POST", pattern: path(`/${ID}/cordon`), handler: () => ok({ ok: true }) },
  { method: "POST", pattern: path(`/${ID}/uncordon`), handler: () => ok({ ok: true }) },
];
