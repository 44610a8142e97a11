import { readFileSync } from "node:fs";
import { CONFIG_REFERENCE_PATH, renderConfigReference } from "../../tools/docs/configReference";

describe("docs/config.md", () => {
  it("is the reference generated from the schema (run `npm run docs` after a schema change)", () => {
    expect(readFileSync(CONFIG_REFERENCE_PATH, "utf8")).toBe(renderConfigReference());
  });

  it("lists every key with its default", () => {
    const text = renderConfigReference();
    expect(text).toContain("| `chatwoot:rails.railsMaxThreads` | integer (1..64) | `5` |");
    expect(text).toContain('| `chatwoot:database.migrations` | `direct` \\| `session` \\| `transaction` | `"direct"` |');
    expect(text).toContain("| `chatwoot:redisUrl` |");
  });
});
