/**
 * Config problems as data: the key, what was found, what is expected and the fix. One format for the
 * Pulumi program, the config checker and the tests.
 */
import type { z } from "zod";
import { findCredentials, isCredentialName } from "../credentials";

export interface ConfigIssue {
  /** Full config key with its path, e.g. `chatwoot:processes.web.memoryMb`. */
  key: string;
  message: string;
  /** The bad value as text; omitted for secrets. */
  found?: string;
  fix: string;
}

export const NAMESPACE = "chatwoot";

/** What an error says in place of a plain value that holds a credential. */
export const NOT_SHOWN = "(not shown: it holds a credential)";

export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${NAMESPACE}:${[head ?? "", ...rest].join(".")}`.replace(/\.$/, "");
}

/** A plain value as an error shows it: never one that holds a credential, or sits under a credential's name. */
function show(value: unknown, path: readonly PropertyKey[]): string {
  if (value === undefined) return "nothing (the key is missing)";
  const text = JSON.stringify(value);
  if (findCredentials(text).length > 0 || path.some((p) => typeof p === "string" && isCredentialName(p))) return NOT_SHOWN;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function setCommand(key: string, secret: boolean): string {
  return `pulumi config set ${secret ? "--secret " : ""}--path '${key}' <value>`;
}

/** Turns zod issues into ConfigIssues; `secretPaths` are reported without their values. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[], secret: boolean): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((unknownKey) => {
        const key = configKey([...path, unknownKey]);
        return {
          key,
          message: "unknown key",
          fix: `remove it (pulumi config rm --path '${key}') or correct its spelling; docs/config.md lists every key`,
        };
      });
    }
    const key = configKey(path);
    const input = (issue as { input?: unknown }).input;
    let message = issue.message;
    if (input === undefined && issue.code === "invalid_type") message = "required key is missing";
    if (issue.code === "invalid_key") message = `invalid key: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    return [
      {
        key,
        message,
        found: secret ? undefined : show(input, path),
        fix: setCommand(key, secret),
      },
    ];
  });
}

export function formatIssue(issue: ConfigIssue): string {
  const found = issue.found === undefined ? "" : `; found ${issue.found}`;
  return `${issue.key}: ${issue.message}${found}. Fix: ${issue.fix}`;
}

/** Raised for a config that fails validation; the message lists every issue. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}
