/** lib/redact.ts: each form of a secret that can reach printed text is removed, one test per form. */
import { redact } from "../../lib/redact";

describe("redact", () => {
  it("removes the value as it is", () => {
    expect(redact("password is hunter22!", ["hunter22!"])).toBe("password is [redacted]");
  });

  it("removes the value trimmed, as a tool that trims it prints it", () => {
    expect(redact("token=abc123def.", ["  abc123def\n"])).toBe("token=[redacted].");
  });

  it("removes the value percent-encoded, as inside a connection URL", () => {
    expect(redact("postgres://u:p%40ss%2Fw0rd@h/db", ["p@ss/w0rd"])).toBe("postgres://u:[redacted]@h/db");
  });

  it("removes the trimmed value percent-encoded", () => {
    expect(redact("postgres://u:a%20b%23c@h/db", [" a b#c "])).toBe("postgres://u:[redacted]@h/db");
  });

  it("removes the longer of two overlapping secrets whole, not a part of it", () => {
    expect(redact("key=abcdef", ["abc", "abcdef"])).toBe("key=[redacted]");
  });

  it("leaves values under 3 characters alone (they would blank out ordinary text), and 3 is enough", () => {
    expect(redact("a 12 b", ["12"])).toBe("a 12 b");
    expect(redact("a 123 b", ["123"])).toBe("a [redacted] b");
  });

  it("removes every occurrence", () => {
    expect(redact("s3cr3t and s3cr3t", ["s3cr3t"])).toBe("[redacted] and [redacted]");
  });
});
