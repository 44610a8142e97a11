/**
 * Entry of the stand-in image's `bundle` and `rails` (image/bin/*): dispatches the commands
 * Chatwoot's Procfile and the product run. Usage: main.ts bundle exec ... | main.ts rails ...
 */
/* eslint-disable @typescript-eslint/no-require-imports -- modules load on demand: every ts-node transpile costs start-up time */
import { info } from "./log";

const runWeb = (args: string[]) => (require("./web") as typeof import("./web")).runWeb(args);
const runWorker = (args: string[]) => (require("./worker") as typeof import("./worker")).runWorker(args);
const runMigration = () => (require("./migrate") as typeof import("./migrate")).runMigration();

function rails(args: string[]): void {
  const task = args[0];
  switch (task) {
    case "server":
    case "s":
      runWeb(args.slice(1));
      return;
    case "ip_lookup:setup":
      info("setup", "ip_lookup:setup: GeoLite database not needed by the stand-in");
      process.exit(0);
      return;
    case "db:chatwoot_prepare":
      void runMigration().then((code) => process.exit(code));
      return;
    default:
      process.stderr.write(`Unrecognized command "${task ?? ""}" (Rails::Command::UnrecognizedCommandError)\n`);
      process.exit(1);
  }
}

function main(argv: string[]): void {
  const [tool, ...rest] = argv;
  if (tool === "rails") return rails(rest);
  if (tool === "bundle") {
    if (rest[0] !== "exec") {
      process.stderr.write(`fake-chatwoot: only \`bundle exec\` is emulated\n`);
      process.exit(1);
    }
    const [cmd, ...args] = rest.slice(1);
    if (cmd === "rails") return rails(args);
    if (cmd === "sidekiq") return runWorker(args);
    process.stderr.write(`bundler: command not found: ${cmd ?? ""}\nInstall missing gem executables with \`bundle install\`\n`);
    process.exit(127);
  }
  process.stderr.write(`fake-chatwoot: unknown tool ${tool}\n`);
  process.exit(1);
}

main(process.argv.slice(2));
