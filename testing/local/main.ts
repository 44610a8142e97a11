/**
 * `npm run local`: the main job on this machine. Shows the incident stopped by the policy pack, then
 * forced without it (the migration fails on PgBouncer's full session pool and nothing rolls out), the
 * fixed configuration converging, a no-op, one change at a time, and a clean destroy.
 */
import { LocalStack } from "./localStack";
import * as scenario from "./scenario";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s: string) => process.stdout.write(`${s}\n`);
const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");

/** The lines of engine output that matter to a reader: policy verdicts, errors, the summary. */
function highlights(text: string, pattern: RegExp, limit = 8): string {
  return indent(
    text
      .split("\n")
      .filter((line) => pattern.test(line))
      .slice(0, limit)
      .map((line) => line.trim())
      .join("\n"),
  );
}

function describeUp(o: scenario.UpObservation): void {
  say(
    `  pulumi up: exit ${o.result.code} in ${o.result.seconds.toFixed(0)}s; flyctl calls ${o.calls.length} (mutating: ${o.mutating.join(", ") || "none"}); machine restarts ${o.restarts}; web/worker images ${o.images.join(", ") || "none"}`,
  );
  if (o.result.code !== 0) say(highlights(o.result.stdout + o.result.stderr, /error: (?!exit status|update failed)/, 3));
}

async function main(): Promise<number> {
  const stack = new LocalStack();
  say(bold("Local target: PostgreSQL, PgBouncer session pool (15 clients, like Supabase Micro), real Pulumi engine"));
  say(`  Fly.io: ${stack.fly.describe()}`);
  await stack.start();
  try {
    say(
      `  session pooler 127.0.0.1:${stack.session.port}, transaction pooler 127.0.0.1:${stack.transaction!.port}, state in ${stack.stateDir}`,
    );

    say(bold(`\n0. First deploy of the fixed configuration (${scenario.IMAGE_OLD}); web 1x5 + worker 1x10 hold the session pool`));
    const first = await scenario.firstDeploy(stack);
    describeUp(first);
    if (first.result.code !== 0) throw new Error("the first deploy failed");
    say(`  pooler: ${JSON.stringify((await stack.session.pool())?.cl_active)} active clients of 15`);

    say(bold(`\na. The incident's configuration (migration on the session pooler) in pulumi preview with the policy pack`));
    const preview = await scenario.previewIncident(stack);
    say(`  pulumi preview: exit ${preview.code} (blocked: ${preview.code !== 0})`);
    say(highlights(preview.stdout + preview.stderr, /session-pool-capacity|migrations-off-shared|peaks at|mandatory/, 6));

    say(bold(`\nb. The same forced without the pack (${scenario.IMAGE_NEW})`));
    const forced = await scenario.forceIncident(stack);
    describeUp(forced);

    say(bold(`\nc. The fixed configuration (migration on the direct endpoint, ${scenario.IMAGE_NEW})`));
    const fixed = await scenario.deployFixed(stack);
    describeUp(fixed);
    const api = await stack.getWeb("/api");
    say(`  GET /api -> ${api.status} ${api.body}`);

    say(bold("\nd. pulumi up again"));
    describeUp(await scenario.noOp(stack));

    say(bold("\ne. One change at a time: web memory 2048 -> 1024 MB, then the image"));
    describeUp(await scenario.changeMemory(stack));
    describeUp(await scenario.changeImage(stack));

    say(bold("\nf. pulumi destroy"));
    const gone = await scenario.destroyAll(stack);
    say(
      `  pulumi destroy: exit ${gone.result.code}; machines left ${gone.machines}, live machine processes ${gone.livePids.length}, app database connections ${gone.connections}, pooler clients ${gone.poolerClients}`,
    );
    return gone.result.code;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`local: ${error.message}\n`);
    process.exitCode = 1;
  },
);
