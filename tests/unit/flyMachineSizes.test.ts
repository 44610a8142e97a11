/** Fly's memory bounds per CPU kind and count (lib/flyMachineSizes.ts), at each edge. */
import { MEMORY_LIMITS, memoryProblem } from "../../lib/flyMachineSizes";

describe("memoryProblem", () => {
  it.each([
    ["shared", 1, 256],
    ["shared", 1, 2048],
    ["shared", 2, 512],
    ["shared", 2, 4096],
    ["performance", 2, 4096],
    ["performance", 2, 16384],
  ] as const)("allows %s x%i with %i MB (an edge of the range)", (kind, cpus, memoryMb) => {
    expect(memoryProblem(kind, cpus, memoryMb)).toBeUndefined();
  });

  it.each([
    ["shared", 2, 256, "2 shared CPU(s) take 512-4096 MB"],
    ["shared", 2, 4352, "2 shared CPU(s) take 512-4096 MB"],
    ["performance", 1, 1024, "1 performance CPU(s) take 2048-8192 MB"],
  ] as const)("refuses %s x%i with %i MB: %s", (kind, cpus, memoryMb, problem) => {
    expect(memoryProblem(kind, cpus, memoryMb)).toBe(problem);
  });

  it("refuses memory off the kind's step inside the range", () => {
    expect(memoryProblem("shared", 1, 1000)).toBe(`shared CPUs take memory in steps of ${MEMORY_LIMITS.shared.stepMb} MB`);
    expect(memoryProblem("performance", 1, 2560)).toBe("performance CPUs take memory in steps of 1024 MB");
  });
});
