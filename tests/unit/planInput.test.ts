import { decodePlanInput, encodePlanInput } from "../../lib/planInput";
import { incidentRaw, planOf, stagingRaw } from "../support/configs";

describe("the Deployment's plan input (lib/planInput.ts)", () => {
  it("is one JSON string that decodes to the same plan, fly.toml text included", () => {
    const plan = planOf(stagingRaw());
    const text = encodePlanInput(plan);
    expect(typeof text).toBe("string");
    expect(decodePlanInput(text)).toEqual(plan);
    expect(decodePlanInput(text)!.flyToml).toBe(plan.flyToml);
    expect(decodePlanInput(encodePlanInput(planOf(incidentRaw())))).toEqual(planOf(incidentRaw()));
  });

  it("reads no plan from a resource without the input", () => {
    expect(decodePlanInput(undefined)).toBeUndefined();
  });

  it("refuses a plan in any other form, naming the contract, so a pack cannot pass a stack unchecked", () => {
    const object = planOf(stagingRaw());
    expect(() => decodePlanInput(object)).toThrow(
      "the Deployment's plan input is a object, not the JSON text of lib/planInput.ts: build the program and the pack from the same commit",
    );
    expect(() => decodePlanInput(42)).toThrow("plan input is a number");
    expect(() => decodePlanInput(null)).toThrow("plan input is a object");
    expect(() => decodePlanInput("{not json")).toThrow(SyntaxError);
  });
});
