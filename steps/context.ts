/** What every step reads from its environment (names from lib/stepContract.ts). */
import { ENV } from "../lib/stepContract";
import { flyctl, StepError, type Flyctl } from "./flyctl";

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new StepError(`environment variable ${name} is not set (the component sets it)`);
  return value;
}

export function jsonEnv<T>(name: string): T {
  try {
    return JSON.parse(requireEnv(name)) as T;
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`environment variable ${name} is not valid JSON`);
  }
}

export interface StepContext {
  app: string;
  fly: Flyctl;
  /** Values this step must never print (credentials it handles): redacted from its output and errors. */
  redactions: string[];
}

export function stepContext(redactAlso: string[] = []): StepContext {
  const token = process.env[ENV.flyToken];
  const redactions = [...redactAlso, ...(token ? [token] : [])];
  const timeoutSeconds = Number(requireEnv(ENV.flyctlTimeout));
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0)
    throw new StepError(`environment variable ${ENV.flyctlTimeout} must be a positive number of seconds`);
  return { app: requireEnv(ENV.app), fly: flyctl(requireEnv(ENV.flyctl), redactions, timeoutSeconds), redactions };
}

/** Steps print progress on stderr and their result as one JSON line on stdout (kept in state). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function result(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
