/**
 * Memory a Fly machine may have for its CPUs.
 * Source: Fly docs, machines/guides-examples/machine-sizing ("Memory limits are 2gb * shared CPU size
 * or 8gb * performance CPU size. Minimum memory is 256m * shared CPU size or 2048m * performance CPU
 * size"); steps of 256 MB (shared) and 1024 MB (performance) as flyctl checks a guest before it
 * updates a machine (superfly/flyctl internal/machine/update.go).
 */
export type CpuKind = "shared" | "performance";

export const MEMORY_LIMITS: Record<CpuKind, { stepMb: number; minPerCpuMb: number; maxPerCpuMb: number }> = {
  shared: { stepMb: 256, minPerCpuMb: 256, maxPerCpuMb: 2048 },
  performance: { stepMb: 1024, minPerCpuMb: 2048, maxPerCpuMb: 8192 },
};

/** Why Fly would refuse this much memory for the CPUs, or undefined when it is allowed. */
export function memoryProblem(kind: CpuKind, cpus: number, memoryMb: number): string | undefined {
  const { stepMb, minPerCpuMb, maxPerCpuMb } = MEMORY_LIMITS[kind];
  const min = minPerCpuMb * cpus;
  const max = maxPerCpuMb * cpus;
  if (memoryMb < min || memoryMb > max) return `${cpus} ${kind} CPU(s) take ${min}-${max} MB`;
  if (memoryMb % stepMb !== 0) return `${kind} CPUs take memory in steps of ${stepMb} MB`;
  return undefined;
}

/** The machine size `fly machine run` gives when only --vm-memory is set (shared-cpu-1x). */
export const MIGRATION_GUEST = { kind: "shared" as CpuKind, cpus: 1 };
