/**
 * Runs the fake Fly API on its own: `main.ts STATE_DIR [FLYCTL]`. Prints the port, then serves until
 * SIGTERM/SIGINT. Tests and `npm run local` start it in-process instead (FakeFlyApi).
 */
import { FakeFlyApi } from "./server";

async function main(): Promise<void> {
  const [dir, flyctl] = process.argv.slice(2);
  if (!dir) throw new Error("usage: main.ts STATE_DIR [FLYCTL]");
  const api = await new FakeFlyApi(dir, {
    flyctl: flyctl ?? process.env.CHATWOOT_REAL_FLYCTL ?? "flyctl",
    orgs: (process.env.FAKE_FLY_API_ORGS ?? "").split(",").filter(Boolean),
  }).start();
  process.stdout.write(`fake Fly API on ${api.url} (state ${dir})\n`);
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => void api.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
