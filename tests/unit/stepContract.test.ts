/**
 * The contract between the Fly resources and the steps that serve them (lib/stepContract.ts): the
 * fixed command line of each step, and the answer a read step gives for an app deleted by hand.
 */
import { APP_MISSING, isAppMissing, stepArgv, stepCommand, STEP_NAMES, type StepName } from "../../lib/stepContract";

describe("stepArgv", () => {
  it("starts every step with the same fixed words and its name last", () => {
    for (const step of STEP_NAMES) {
      expect(stepArgv(step)).toEqual(["node", "-r", "ts-node/register/transpile-only", "steps/main.ts", step]);
      expect(stepCommand(step)).toBe(`node -r ts-node/register/transpile-only steps/main.ts ${step}`);
    }
  });

  it("refuses a name that is not a step's, naming it, so that no other text reaches a command line", () => {
    expect(() => stepArgv("migrate; rm -rf /" as StepName)).toThrow("invalid step name migrate; rm -rf /");
  });
});

describe("isAppMissing", () => {
  it("recognises the read steps' answer for a deleted app, and nothing else", () => {
    expect(isAppMissing(APP_MISSING)).toBe(true);
    expect(isAppMissing(JSON.parse(JSON.stringify(APP_MISSING)))).toBe(true);
    for (const other of [null, undefined, "appMissing", true, {}, { appMissing: false }, { appMissing: "true" }, { web: 1 }, []])
      expect(isAppMissing(other)).toBe(false);
  });
});
