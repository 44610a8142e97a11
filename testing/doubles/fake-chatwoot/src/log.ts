/** Log lines of the stand-ins: stdout for progress, stderr for errors (Fly collects both). */
export function info(role: string, message: string): void {
  process.stdout.write(`${new Date().toISOString()} [chatwoot-${role}] ${message}\n`);
}

export function error(role: string, message: string): void {
  process.stderr.write(`${new Date().toISOString()} [chatwoot-${role}] ERROR ${message}\n`);
}

export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) ? n : fallback;
}
