/** lib/config/issues.ts: config keys, values as errors show them, zod issues turned into ConfigIssues, the error text. */
import { z } from "zod";
import { ConfigError, configKey, formatIssue, fromZodIssues, NOT_SHOWN, setCommand } from "../../lib/config/issues";

const issuesOf = (schema: z.ZodType, value: unknown, secret = false) => {
  const result = schema.safeParse(value, { reportInput: true }); // as lib/config/validate.ts parses
  if (result.success) throw new Error("the test value should fail its schema");
  return fromZodIssues(result.error.issues, ["processes"], secret);
};

describe("configKey", () => {
  it("joins the path under the namespace and drops a trailing dot", () => {
    expect(configKey(["processes", "web", "memoryMb"])).toBe("chatwoot:processes.web.memoryMb");
    expect(configKey(["rails", "extraEnv", ""])).toBe("chatwoot:rails.extraEnv");
    expect(configKey([])).toBe("chatwoot:");
  });
});

describe("setCommand", () => {
  it("adds --secret only for a secret key", () => {
    expect(setCommand("chatwoot:redisUrl", true)).toBe("pulumi config set --secret --path 'chatwoot:redisUrl' <value>");
    expect(setCommand("chatwoot:image", false)).toBe("pulumi config set --path 'chatwoot:image' <value>");
  });
});

describe("fromZodIssues", () => {
  it("an unknown key: remove it or correct it", () => {
    expect(issuesOf(z.strictObject({}), { webb: 1 })).toEqual([
      {
        key: "chatwoot:processes.webb",
        message: "unknown key",
        fix: "remove it (pulumi config rm --path 'chatwoot:processes.webb') or correct its spelling; docs/config.md lists every key",
      },
    ]);
  });

  it("a missing key is called missing; other problems keep zod's message", () => {
    const schema = z.object({ count: z.number(), note: z.any().refine((v) => v !== undefined, "must be given") });
    expect(issuesOf(schema, {})).toEqual([
      {
        key: "chatwoot:processes.count",
        message: "required key is missing",
        found: "nothing (the key is missing)",
        fix: setCommand("chatwoot:processes.count", false),
      },
      {
        key: "chatwoot:processes.note",
        message: "must be given",
        found: "nothing (the key is missing)",
        fix: setCommand("chatwoot:processes.note", false),
      },
    ]);
  });

  it("a bad key of a record names the key's own problems", () => {
    const [issue] = issuesOf(z.record(z.string().regex(/^[A-Z]+$/, "upper case only"), z.string()), { web: "x" });
    expect(issue.message).toBe("invalid key: upper case only");
    const [both] = issuesOf(
      z.record(
        z
          .string()
          .regex(/^[A-Z]+$/, "upper case only")
          .min(4, "4 letters or more"),
        z.string(),
      ),
      { web: "x" },
    );
    expect(both.message).toBe("invalid key: upper case only; 4 letters or more");
  });

  it("shows a value up to 120 characters whole, and a longer one cut to 117 and an ellipsis", () => {
    const found = (text: string) => issuesOf(z.number(), text)[0].found;
    const at120 = "a".repeat(118); // JSON quotes make 120
    expect(found(at120)).toBe(JSON.stringify(at120));
    expect(found(`${at120}b`)).toBe(`"${"a".repeat(116)}...`);
  });

  it("never shows a credential, nor any value of a secret key", () => {
    expect(issuesOf(z.number(), "redis://:hunter2@redis:6379")[0].found).toBe(NOT_SHOWN);
    expect(issuesOf(z.number(), "x", true)[0]).toEqual({
      key: "chatwoot:processes",
      message: expect.any(String),
      found: undefined,
      fix: setCommand("chatwoot:processes", true),
    });
  });
});

describe("the error text", () => {
  const one = { key: "chatwoot:image", message: "must name a tag", found: '"chatwoot/chatwoot"', fix: "add :v4.14.0" };
  const two = {
    key: "chatwoot:redisUrl",
    message: "required secret is missing",
    fix: "pulumi config set --secret chatwoot:redisUrl <value>",
  };

  it("formats an issue with and without what was found", () => {
    expect(formatIssue(one)).toBe('chatwoot:image: must name a tag; found "chatwoot/chatwoot". Fix: add :v4.14.0');
    expect(formatIssue(two)).toBe(
      "chatwoot:redisUrl: required secret is missing. Fix: pulumi config set --secret chatwoot:redisUrl <value>",
    );
  });

  it("counts the problems and lists each on its own line", () => {
    expect(new ConfigError([one]).message).toBe(`invalid stack config (1 problem):\n  - ${formatIssue(one)}`);
    expect(new ConfigError([one, two]).message).toBe(
      `invalid stack config (2 problems):\n  - ${formatIssue(one)}\n  - ${formatIssue(two)}`,
    );
    expect(new ConfigError([one]).name).toBe("ConfigError");
  });
});
