/** `secrets list --app A --json`: [{Name, Digest, CreatedAt}], never values (internal/command/secrets/list.go). */
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
    const rows = Object.entries(app.secrets)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => ({ Name: name, Digest: s.digest, CreatedAt: s.createdAt }));
    if (parsed.bools.json) {
      out(JSON.stringify(rows, null, 2));
      return;
    }
    out(["NAME", "DIGEST", "CREATED AT"].join("\t"));
    for (const r of rows) out([r.Name, r.Digest, r.CreatedAt].join("\t"));
  },
};
