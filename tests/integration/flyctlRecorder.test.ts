/**
 * The recorder in front of real flyctl (testing/doubles/fake-fly-api/bin/flyctl) must end every call
 * it announced, whenever the signal comes: a call left open never reaches calls.jsonl, and the tests
 * that read how a stopped call ended (steps.test: exit 143 on SIGTERM) would read the call before it.
 * Here the fake API is a stand-in server that holds the announcement until the signal has been sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FLYCTL_RECORDER } from "../../testing/doubles/fake-fly-api/src/harness";
import { spawnCollect, type Started } from "../../testing/local/spawnCollect";

const CALL_ID = "7";

/** A control endpoint that answers the announcement only after `onAnnounce` ran, and logs the ends. */
async function holdingServer(onAnnounce: () => void): Promise<{ server: Server; port: number; ends: string[] }> {
  const ends: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/__fake/calls") {
        onAnnounce();
        // Long enough for the signal to reach bash while it still waits for this answer.
        setTimeout(() => res.end(`${CALL_ID} 1`), 300);
        return;
      }
      ends.push(req.url ?? "");
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, ends };
}

describe("the flyctl recorder of the fake Fly API", () => {
  const dir = mkdtempSync(join(tmpdir(), "flyctl-recorder-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("a %s that comes while the call is announced ends that call with %i", async (signal, code) => {
    let started: Started | undefined;
    const { server, port, ends } = await holdingServer(() => started?.child.kill(signal));
    try {
      writeFileSync(join(dir, "api.env"), `FAKE_FLY_API_PORT=${port}\n`);
      started = spawnCollect(FLYCTL_RECORDER, ["secrets", "import", "--app", "a"], {
        env: { PATH: process.env.PATH, FAKE_FLY_STATE_DIR: dir, FAKE_FLY_REAL_FLYCTL: "/bin/false" },
      });
      const run = await started.done;
      expect({ code: run.code, ends }).toEqual({ code, ends: [`/__fake/calls/${CALL_ID}/end?code=${code}`] });
    } finally {
      server.close();
    }
  });
});
