/**
 * Reading flyctl's machine output (lib/machineOutput.ts). The machine objects are shaped as fly-go's
 * machine_types.go encodes them: every field of an exit event is `omitempty`, so a clean exit has no
 * `exit_code`, and the monitor event's exit event wins over the request's own (GetExitCode).
 */
import {
  exitCodeOf,
  exitedBeforeRunSawItStart,
  groupCounts,
  groupImages,
  launchedMachineId,
  processGroupOf,
  surplusMachines,
  type ListedMachine,
  type MachineEvent,
} from "../../lib/machineOutput";

const exit = (timestamp: number, exitEvent: object, where: "request" | "monitor" = "request"): MachineEvent => ({
  type: "exit",
  timestamp,
  request: where === "request" ? { exit_event: exitEvent } : { MonitorEvent: { exit_event: exitEvent } },
});
const machine = (over: Partial<ListedMachine> = {}): ListedMachine => ({ id: "m1", state: "stopped", ...over });

describe("exitCodeOf", () => {
  it("reads the newest exit event, wherever it stands in the list", () => {
    const older = exit(100, { exit_code: 3 });
    const newer = exit(200, { exit_code: 7 });
    expect(exitCodeOf(machine({ events: [older, newer] }))?.code).toBe(7);
    expect(exitCodeOf(machine({ events: [newer, older] }))?.code).toBe(7);
  });

  it("reads an exit event without exit_code as 0 (omitempty), and without oom_killed as not killed", () => {
    expect(exitCodeOf(machine({ events: [exit(1, {})] }))).toEqual({ code: 0, oomKilled: false });
  });

  it("reports an out-of-memory kill", () => {
    expect(exitCodeOf(machine({ events: [exit(1, { exit_code: 137, oom_killed: true })] }))).toEqual({ code: 137, oomKilled: true });
  });

  it("prefers the monitor event's exit event to the request's own, as GetExitCode does", () => {
    const both: MachineEvent = {
      type: "exit",
      timestamp: 1,
      request: { exit_event: { exit_code: 1 }, MonitorEvent: { exit_event: { exit_code: 2 } } },
    };
    expect(exitCodeOf(machine({ events: [both] }))?.code).toBe(2);
    expect(exitCodeOf(machine({ events: [exit(1, { exit_code: 4 }, "monitor")] }))?.code).toBe(4);
  });

  it("ignores events that are not exits, and exits that carry no exit event", () => {
    const start: MachineEvent = { type: "start", timestamp: 300, request: { exit_event: { exit_code: 9 } } };
    const bare: MachineEvent = { type: "exit", timestamp: 400, request: {} };
    expect(exitCodeOf(machine({ events: [exit(100, { exit_code: 5 }), start, bare] }))?.code).toBe(5);
    expect(exitCodeOf(machine({ events: [start, bare] }))).toBeUndefined();
    expect(exitCodeOf(machine({}))).toBeUndefined();
  });

  it("orders an event without a timestamp before every timed one", () => {
    const untimed: MachineEvent = { type: "exit", request: { exit_event: { exit_code: 8 } } };
    expect(exitCodeOf(machine({ events: [exit(1, { exit_code: 6 }), untimed] }))?.code).toBe(6);
  });
});

describe("exitedBeforeRunSawItStart", () => {
  it("holds only for a stopped machine with an exit event", () => {
    const events = [exit(1, { exit_code: 0 })];
    expect(exitedBeforeRunSawItStart(machine({ state: "stopped", events }))).toBe(true);
    expect(exitedBeforeRunSawItStart(machine({ state: "started", events }))).toBe(false);
    expect(exitedBeforeRunSawItStart(machine({ state: "stopped", events: [] }))).toBe(false);
  });
});

describe("launchedMachineId", () => {
  it("reads the ID from the line machine run prints, not from other text", () => {
    const stdout =
      "Searching for image 'chatwoot/chatwoot:v4.14.0' remotely...\nSuccess! A Machine has been successfully launched in app x\n Machine ID: 4d8961e5b06e38\n Instance ID: 01J\n";
    expect(launchedMachineId(stdout)).toBe("4d8961e5b06e38");
    expect(launchedMachineId("Machine ID: abc123")).toBe("abc123");
    expect(launchedMachineId("the old Machine ID: abc123 was destroyed")).toBeUndefined();
    expect(launchedMachineId("the old Machine ID: abc123")).toBeUndefined();
    // A line padded after the ID, or ended by CRLF, still holds it.
    expect(launchedMachineId(" Machine ID: abc123 \n")).toBe("abc123");
    expect(launchedMachineId("Machine ID: abc123\r\n Instance ID: 01J\r\n")).toBe("abc123");
    expect(launchedMachineId(" Machine ID: abc123 (pending)")).toBeUndefined();
    expect(launchedMachineId(" Machine ID: ")).toBeUndefined();
    expect(launchedMachineId("")).toBeUndefined();
  });
});

describe("processGroupOf", () => {
  it("reads fly_process_group, and nothing for a machine without one", () => {
    expect(processGroupOf(machine({ config: { metadata: { fly_process_group: "worker" } } }))).toBe("worker");
    expect(processGroupOf(machine({ config: { metadata: { chatwoot_role: "migration" } } }))).toBeUndefined();
    expect(processGroupOf(machine({ config: {} }))).toBeUndefined();
    expect(processGroupOf(machine())).toBeUndefined();
  });
});

describe("surplusMachines", () => {
  const ids = (machines: ListedMachine[]) => machines.map((m) => m.id);
  const started = (id: string) => machine({ id, state: "started" });
  const stopped = (id: string) => machine({ id, state: "stopped" });

  it("gives up the newest (last listed) first", () => {
    expect(ids(surplusMachines([started("a"), started("b"), started("c")], 1))).toEqual(["c", "b"]);
  });

  it("gives up machines that are not running before running ones", () => {
    expect(ids(surplusMachines([stopped("a"), started("b"), started("c")], 2))).toEqual(["a"]);
    expect(ids(surplusMachines([started("a"), machine({ id: "b", state: "suspended" }), started("c")], 1))).toEqual(["b", "c"]);
  });

  it("gives up nothing at or above the count, and everything at 0", () => {
    const all = [started("a"), started("b")];
    expect(surplusMachines(all, 2)).toEqual([]);
    expect(surplusMachines(all, 5)).toEqual([]);
    expect(ids(surplusMachines(all, 0))).toEqual(["b", "a"]);
  });

  it("leaves its input as it was", () => {
    const all = [started("a"), stopped("b")];
    surplusMachines(all, 0);
    expect(ids(all)).toEqual(["a", "b"]);
  });
});

describe("groupCounts", () => {
  const inGroup = (id: string, group?: string): ListedMachine => ({
    id,
    config: group === undefined ? {} : { metadata: { fly_process_group: group } },
  });

  it("counts the machines of each asked group, 0 for a group with none, and no other group", () => {
    const machines = [inGroup("a", "web"), inGroup("b", "worker"), inGroup("c", "web"), inGroup("d", "extra"), inGroup("e")];
    expect(groupCounts(machines, ["web", "worker", "sidekiq"])).toEqual({ web: 2, worker: 1, sidekiq: 0 });
  });

  it("counts nothing for a group named like an Object member", () => {
    expect(groupCounts([inGroup("a", "constructor"), inGroup("b", "toString")], ["web"])).toEqual({ web: 0 });
  });
});

describe("groupImages", () => {
  const running = (id: string, image: string, group?: string): ListedMachine => ({
    id,
    config: { image, metadata: group === undefined ? {} : { fly_process_group: group } },
  });

  it("gives each image the process groups run once, sorted, leaving one-off machines out", () => {
    const machines = [
      running("a", "b:2", "web"),
      running("b", "a:1", "worker"),
      running("c", "b:2", "web"),
      running("d", "busybox", undefined),
    ];
    expect(groupImages(machines)).toEqual(["a:1", "b:2"]);
    expect(groupImages([])).toEqual([]);
  });

  it("counts a group machine without an image as running the empty image, so that a refresh sees it differ", () => {
    expect(groupImages([{ id: "a", config: { metadata: { fly_process_group: "web" } } }, running("b", "a:1", "worker")])).toEqual([
      "",
      "a:1",
    ]);
  });
});
