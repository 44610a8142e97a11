import { findLeaks } from "../../testing/local/leakScan";

describe("findLeaks", () => {
  const secret = `pa$s "word" #1\nline two`;

  it("finds a value raw, JSON-escaped, percent-encoded and in base64, naming the source and the form", () => {
    const sources = {
      log: `error: ${secret}`,
      state: JSON.stringify({ value: secret }),
      url: `postgres://u:${encodeURIComponent(secret)}@h/db`,
      env: Buffer.from(secret).toString("base64"),
      clean: "nothing here",
    };
    expect(findLeaks(sources, [secret])).toEqual([
      { source: "log", form: "raw", secret: 0 },
      { source: "state", form: "json", secret: 0 },
      { source: "url", form: "url", secret: 0 },
      { source: "env", form: "base64", secret: 0 },
    ]);
  });

  it("reports nothing for clean text and never carries the value", () => {
    expect(findLeaks({ a: "ciphertext only" }, [secret])).toEqual([]);
    expect(JSON.stringify(findLeaks({ a: secret }, [secret]))).not.toContain("pa$s");
  });

  it("refuses a value too short to mean anything", () => {
    expect(() => findLeaks({ a: "x" }, ["abc"])).toThrow("secret #0 is shorter than 8 characters");
  });
});
