/** apps list / create / destroy (superfly/flyctl internal/command/apps). App names are global. */
import { type CommandSpec, F } from "./cli";
import { FlyError } from "./errors";
import { type AppState, readState, update } from "./store";
import { isoNow } from "./time";

/** A new app as Fly creates it: pending, never deployed, nothing in it (one shape for both doubles). */
export function newApp(name: string, org: string): AppState {
  return { id: name, name, org, status: "pending", deployed: false, createdAt: isoNow(), secrets: {}, releases: [], machines: {} };
}

function appJson(a: AppState) {
  return {
    ID: a.id,
    Name: a.name,
    Status: a.status,
    Deployed: a.deployed,
    Hostname: `${a.name}.fly.dev`,
    Organization: { Slug: a.org },
  };
}

export function requireApp(dir: string, name: string | undefined): AppState {
  if (!name)
    throw new FlyError("the config for your app is missing an app name, add an app field to the fly.toml file or specify with the -a flag");
  const app = readState(dir).apps[name];
  if (!app) throw new FlyError(`Could not find App "${name}"`);
  return app;
}

export const appsList: CommandSpec = {
  key: "apps list",
  flags: [F.org, F.json],
  minArgs: 0,
  maxArgs: 0,
  mutating: false,
  run: ({ stateDir, parsed, out }) => {
    const org = parsed.strings.org;
    const apps = Object.values(readState(stateDir).apps)
      .filter((a) => !org || a.org === org)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (parsed.bools.json) {
      out(JSON.stringify(apps.map(appJson), null, 2));
      return;
    }
    out(["NAME", "OWNER", "STATUS"].join("\t"));
    for (const a of apps) out([a.name, a.org, a.status].join("\t"));
  },
};

export const appsCreate: CommandSpec = {
  key: "apps create",
  flags: [F.org, F.json, { name: "generate-name", type: "bool", notEmulated: true }],
  minArgs: 0,
  maxArgs: 1,
  mutating: true,
  run: ({ stateDir, parsed, out }) => {
    const name = parsed.args[0];
    if (!name) throw new FlyError("name argument or flag must be specified when not running interactively");
    const org = parsed.strings.org;
    if (!org) throw new FlyError("org slug must be specified when not running interactively");
    const app = update(stateDir, (state) => {
      if (state.apps[name] || (state.foreignApps ?? []).includes(name)) {
        throw new FlyError("Validation failed: Name has already been taken");
      }
      const created = newApp(name, org);
      state.apps[name] = created;
      return created;
    });
    if (parsed.bools.json) out(JSON.stringify(appJson(app), null, 2));
    else out(`New app created: ${name}`);
  },
};

export const appsDestroy: CommandSpec = {
  key: "apps destroy",
  flags: [F.yes],
  minArgs: 1,
  maxArgs: 1,
  mutating: true,
  run: async ({ stateDir, parsed, out }) => {
    const name = parsed.args[0];
    const app = requireApp(stateDir, name);
    if (!parsed.bools.yes) throw new FlyError("yes flag must be specified when not running interactively");
    // Fly tears the app's machines down with it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { destroyMachine } = require("./runtime") as typeof import("./runtime");
    await Promise.all(Object.keys(app.machines).map((id) => destroyMachine(stateDir, name, id)));
    update(stateDir, (state) => {
      delete state.apps[name];
    });
    out(`Destroyed app ${name}`);
  },
};
