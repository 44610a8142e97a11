/**
 * testing/mutation/bailEnvironment.js: once a test fails under a mutant, the rest of that mutant's
 * tests are skipped; nothing is skipped in Stryker's dry run or under another mutant.
 */
const ACTIVE_MUTANT = "__STRYKER_ACTIVE_MUTANT__";

interface Circus {
  test: { mode?: string; errors: unknown[] };
  describeBlock: { mode?: string };
}
interface Handler {
  handleTestEvent(event: { name: string } & Partial<Circus>, state: unknown): Promise<void>;
}

// The environment is a class jest instantiates with its own config; its handler needs none of it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prototype } = require("../../testing/mutation/bailEnvironment.js") as { prototype: Handler };
const environment: Handler = Object.create(prototype);

const failed = () => ({ name: "test_done", test: { errors: [new Error("expected 1, got 2")] } });
const passed = () => ({ name: "test_done", test: { errors: [] } });
/** Whether the next test and the next describe block would run. */
async function nextRuns(): Promise<{ test: boolean; describe: boolean }> {
  const test: Circus["test"] = { errors: [] };
  const describeBlock: Circus["describeBlock"] = {};
  await environment.handleTestEvent({ name: "test_start", test }, {});
  await environment.handleTestEvent({ name: "run_describe_start", describeBlock }, {});
  return { test: test.mode !== "skip", describe: describeBlock.mode !== "skip" };
}

afterEach(() => {
  delete process.env[ACTIVE_MUTANT];
});

describe("the environment that stops a killed mutant's tests", () => {
  it("skips nothing in the dry run, failures included", async () => {
    await environment.handleTestEvent(failed(), {});
    expect(await nextRuns()).toEqual({ test: true, describe: true });
  });

  it("runs on while a mutant's tests pass, and skips the rest once one fails", async () => {
    process.env[ACTIVE_MUTANT] = "7";
    await environment.handleTestEvent(passed(), {});
    expect(await nextRuns()).toEqual({ test: true, describe: true });
    await environment.handleTestEvent(failed(), {});
    expect(await nextRuns()).toEqual({ test: false, describe: false });
  });

  it("runs every test of the next mutant", async () => {
    process.env[ACTIVE_MUTANT] = "7";
    await environment.handleTestEvent(failed(), {});
    process.env[ACTIVE_MUTANT] = "8";
    expect(await nextRuns()).toEqual({ test: true, describe: true });
  });
});
