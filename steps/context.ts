/** What every step reads from its environment (names from lib/commandEnv.ts). */
import { ENV } from "../lib/commandEnv";
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
  /** Secret values known to this step, removed from anything it prints. */
  secrets: string[];
}

export function stepContext(extraSecrets: string[] = []): StepContext {
  const token = process.env[ENV.flyToken];
  const secrets = [...extraSecrets, ...(token ? [token] : [])];
  const timeoutSeconds = Number(requireEnv(ENV.flyctlTimeout));
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0)
    throw new StepError(`environment variable ${ENV.flyctlTimeout} must be a positive number of seconds`);
  return { app: requireEnv(ENV.app), fly: flyctl(requireEnv(ENV.flyctl), secrets, timeoutSeconds), secrets };
}

/** Steps print progress on stderr and their result as one JSON line on stdout (kept in state). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function result(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
