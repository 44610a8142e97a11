/**
 * secrets import / unset (superfly/flyctl internal/command/secrets). Values never leave the
 * store except into machine processes. Without --stage, every started machine of the app is
 * restarted with the new secrets (flyctl runs a restart-only rolling deployment, health checks
 * included); with --stage nothing restarts and machines see the values at their next (re)start.
 * Before the first deployment (no machines) flyctl says "Secrets are staged for the first deployment".
 */
import { createHash } from "node:crypto";
import { requireApp } from "./apps";
import { type CommandSpec, type Context, F, type FlagSpec } from "./cli";
import { FlyError } from "./errors";
import { appMachines } from "./machineEnv";
import { GoPanic, parseSecrets } from "./secretsParser";
import { readState, update } from "./store";
import { isoNow } from "./time";

const writeFlags: FlagSpec[] = [F.app, F.config, F.detach, { name: "stage", type: "bool" }, { name: "dns-checks", type: "bool" }];

export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 16);
}

/** After the store changed: restart (or not) like flyctl's DeploySecrets. */
async function deploySecrets(ctx: Context, appName: string): Promise<void> {
  const { stateDir, parsed, out } = ctx;
  if (parsed.bools.stage) {
    out("Secrets have been staged, but not set on VMs. Deploy or update machines in this app for the secrets to take effect.");
    return;
  }
  const app = readState(stateDir).apps[appName];
  if (!app) throw new FlyError(`Could not find App "${appName}"`);
  if (!app.deployed && appMachines(app).length === 0) {
    out("Secrets are staged for the first deployment");
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only restarts need the rollout code
  const { restartMachines } = require("./rollout") as typeof import("./rollout");
  await restartMachines(ctx, appName, { skipChecks: Boolean(parsed.bools.detach) });
  update(stateDir, (state) => {
    for (const s of Object.values(state.apps[appName]?.secrets ?? {})) s.staged = false;
  });
}

export const secretsImport: CommandSpec = {
  key: "secrets import",
  flags: writeFlags,
  minArgs: 0,
  maxArgs: 0,
  mutating: true,
  run: async (ctx) => {
    const { stateDir, parsed } = ctx;
    const appName = requireApp(stateDir, parsed.strings.app).name;
    let secrets: Record<string, string>;
    try {
      secrets = parseSecrets(ctx.stdin());
    } catch (error) {
      if (error instanceof GoPanic) throw error;
      throw new FlyError(`Failed to parse secrets from stdin: ${(error as Error).message}`);
    }
    if (Object.keys(secrets).length < 1) throw new FlyError("requires at least one SECRET=VALUE pair");
    const now = isoNow();
    update(stateDir, (state) => {
      const app = state.apps[appName];
      if (!app) throw new FlyError(`Could not find App "${appName}"`);
      for (const [name, value] of Object.entries(secrets)) {
        app.secrets[name] = { value, digest: digest(value), createdAt: now, staged: true };
      }
    });
    await deploySecrets(ctx, appName);
  },
};

export const secretsUnset: CommandSpec = {
  key: "secrets unset",
  flags: writeFlags,
  minArgs: 1,
  mutating: true,
  run: async (ctx) => {
    const { stateDir, parsed } = ctx;
    const appName = requireApp(stateDir, parsed.strings.app).name;
    update(stateDir, (state) => {
      const app = state.apps[appName];
      if (!app) throw new FlyError(`Could not find App "${appName}"`);
      for (const name of parsed.args) delete app.secrets[name];
    });
    await deploySecrets(ctx, appName);
  },
};
