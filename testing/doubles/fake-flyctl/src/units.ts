/** Sizes as flyctl reads them (helpers.ParseSize with docker units.RAMInBytes, in MiB). */
/** docker units.RAMInBytes as flyctl's helpers.ParseSize uses it: a bare number is MiB. */
export function parseMemoryMb(raw: unknown): number {
  if (typeof raw === "number" || typeof raw === "bigint") return Number(raw);
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp])?(i?b)?$/i.exec(text);
  if (!m) throw new Error(`invalid size: '${text}'`);
  const scale: Record<string, number> = { "": 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024, p: 1024 ** 3 };
  return Math.floor(Number(m[1]) * scale[(m[2] ?? "").toLowerCase()]);
}
