/**
 * steps/context.ts: what a step reads from its environment. tests/integration/steps.test.ts shows the
 * same errors as a step prints them; these pin the values a step goes on with.
 */
import { ENV } from "../../lib/stepContract";
import { jsonEnv, stepContext } from "../../steps/context";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** The inputs every step needs, without a Fly token. */
function stepInputs(): void {
  for (const name of [ENV.flyToken, ENV.secrets]) delete process.env[name];
  process.env[ENV.app] = "context-test-app";
  process.env[ENV.flyctl] = "/bin/true";
  process.env[ENV.flyctlTimeout] = "30";
}

describe("a JSON input", () => {
  it("parses what is there", () => {
    process.env[ENV.secrets] = '{"A":"1"}';
    expect(jsonEnv(ENV.secrets)).toEqual({ A: "1" });
  });

  it("that is missing is named as missing, not as bad JSON", () => {
    delete process.env[ENV.secrets];
    expect(() => jsonEnv(ENV.secrets)).toThrow(`environment variable ${ENV.secrets} is not set (the component sets it)`);
  });
});

describe("a step's context", () => {
  it("redacts nothing when there is no token and nothing else to hide", () => {
    stepInputs();
    expect(stepContext()).toMatchObject({ app: "context-test-app", redactions: [] });
  });

  it("redacts the Fly token, after the values the step hides itself", () => {
    stepInputs();
    process.env[ENV.flyToken] = "fm2_context-token";
    expect(stepContext().redactions).toEqual(["fm2_context-token"]);
    expect(stepContext(["hunter2"]).redactions).toEqual(["hunter2", "fm2_context-token"]);
  });

  it("redacts what it was given when there is no token", () => {
    stepInputs();
    expect(stepContext(["hunter2"]).redactions).toEqual(["hunter2"]);
  });
});
