/**
 * `secrets list --app A --json`: [{name, digest, status}], never values (flyctl
 * internal/command/secrets/list.go, SecretWithStatus). flyctl computes the status from each secret's
 * update time against the machines' release times; the double keeps the outcome of that per secret
 * instead: "Staged" until a machine was created or updated after it, then "Deployed" (an app with
 * no machines lists every secret as "Staged", as computeSecretStatus does).
 */
import { requireApp } from "./apps";
import { type CommandSpec, F } from "./cli";

export const secretsList: CommandSpec = {
  key: "secrets list",
  flags: [F.app, F.config, F.json],
  minArgs: 0,
  maxArgs: 0,
  mutating: false,
  run: ({ stateDir, parsed, out }) => {
    const app = requireApp(stateDir, parsed.strings.app);
    const noMachines = Object.keys(app.machines).length === 0;
    const rows = Object.entries(app.secrets)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => ({ name, digest: s.digest, status: noMachines || s.staged ? "Staged" : "Deployed" }));
    if (parsed.bools.json) {
      out(JSON.stringify(rows, null, 2));
      return;
    }
    out(["NAME", "DIGEST", "STATUS"].join("\t"));
    for (const r of rows) out([r.status === "Staged" ? `* ${r.name}` : r.name, r.digest, r.status].join("\t"));
  },
};
