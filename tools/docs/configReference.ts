/**
 * Generates docs/config.md from the config schema (lib/config/schema.ts), so the reference cannot drift:
 * tests/unit/configReference.test.ts compares the file with this output.
 * `npm run docs` rewrites the file.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { plainConfigSchema, CREDENTIAL_KEYS } from "../../lib/config/schema";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" \\| ");
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.type === "array") return `list of ${typeOf(schema.items ?? {})}`;
  if (schema.type === "object" && !schema.properties) return "map";
  const range =
    schema.minimum !== undefined || (schema.maximum !== undefined && schema.maximum < 1e15)
      ? ` (${schema.minimum ?? ""}..${schema.maximum !== undefined && schema.maximum < 1e15 ? schema.maximum : ""})`
      : "";
  return `${String(schema.type ?? "any")}${range}`;
}

function rows(schema: JsonSchema, path: string, required: boolean, out: string[]): void {
  const isSection = schema.type === "object" && schema.properties;
  const def =
    schema.default === undefined || isSection ? (required ? "**required**" : "optional") : `\`${JSON.stringify(schema.default)}\``;
  out.push(
    `| \`chatwoot:${path}\` | ${isSection ? "section" : typeOf(schema)} | ${def} | ${(schema.description ?? "").replace(/\|/g, "\\|")} |`,
  );
  if (!isSection) return;
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    rows(child, `${path}.${key}`, (schema.required ?? []).includes(key), out);
}

export function renderConfigReference(): string {
  const root = z.toJSONSchema(plainConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const lines = [
    "# Config reference",
    "",
    "Generated from `lib/config/schema.ts` by `npm run docs`; a unit test fails when this file is stale.",
    "Structured keys are set with `pulumi config set --path 'chatwoot:a.b' value`; unknown keys are errors.",
    "`npm run check -- Pulumi.<stack>.yaml` validates a stack file offline.",
    "",
    "## Plain keys",
    "",
    "| key | type | default | description |",
    "| --- | --- | --- | --- |",
  ];
  for (const [key, child] of Object.entries(root.properties ?? {})) rows(child, key, (root.required ?? []).includes(key), lines);
  lines.push(
    "",
    "## Credentials (secret keys)",
    "",
    "Accepted only as Pulumi secrets (`pulumi config set --secret chatwoot:<key>`); a plaintext value is an error.",
    "",
    "| key | description |",
    "| --- | --- |",
    ...Object.entries(CREDENTIAL_KEYS).map(([key, text]) => `| \`chatwoot:${key}\` | ${text} |`),
    "",
  );
  return lines.join("\n");
}

export const CONFIG_REFERENCE_PATH = join(__dirname, "..", "..", "docs", "config.md");

if (require.main === module) {
  writeFileSync(CONFIG_REFERENCE_PATH, renderConfigReference());
  process.stdout.write(`wrote ${CONFIG_REFERENCE_PATH}\n`);
}
