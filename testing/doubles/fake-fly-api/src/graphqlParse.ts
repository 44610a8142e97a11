/**
 * Just enough GraphQL to answer flyctl: the operation's kind and name, and its root fields with their
 * alias and arguments (variables resolved). Nested selections are not interpreted: a resolver returns
 * the whole object and flyctl's decoder (Go's encoding/json) ignores the fields it did not ask for.
 */

export interface RootField {
  alias: string;
  name: string;
  args: Record<string, unknown>;
}

export interface Operation {
  kind: "query" | "mutation";
  name?: string;
  fields: RootField[];
}

type Token = { t: "punct" | "name" | "string" | "number" | "var"; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/[\s,]/.test(c)) i++;
    else if (c === "#") while (i < text.length && text[i] !== "\n") i++;
    else if (text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3);
      out.push({ t: "string", v: text.slice(i + 3, end) });
      i = end + 3;
    } else if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") {
          s += JSON.parse(`"${text.slice(j, j + 2)}"`);
          j += 2;
        } else s += text[j++];
      }
      out.push({ t: "string", v: s });
      i = j + 1;
    } else if (c === "$") {
      const m = /^\$([_A-Za-z][_0-9A-Za-z]*)/.exec(text.slice(i))!;
      out.push({ t: "var", v: m[1] });
      i += m[0].length;
    } else if (/[_A-Za-z]/.test(c)) {
      const m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i))!;
      out.push({ t: "name", v: m[0] });
      i += m[0].length;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i))!;
      out.push({ t: "number", v: m[0] });
      i += m[0].length;
    } else if (text.startsWith("...", i)) {
      out.push({ t: "punct", v: "..." });
      i += 3;
    } else {
      out.push({ t: "punct", v: c });
      i++;
    }
  }
  return out;
}

export function parseOperation(query: string, variables: Record<string, unknown> = {}): Operation {
  const tokens = tokenize(query);
  let p = 0;
  const peek = () => tokens[p];
  const next = () => tokens[p++];
  const expect = (v: string) => {
    const tok = next();
    if (tok?.v !== v) throw new Error(`GraphQL parse error: expected ${v}, got ${tok?.v ?? "end"}`);
  };
  const skipBlock = (open: string, close: string) => {
    let depth = 0;
    do {
      const tok = next();
      if (!tok) return;
      if (tok.t === "punct" && tok.v === open) depth++;
      if (tok.t === "punct" && tok.v === close) depth--;
    } while (depth > 0);
  };
  const value = (): unknown => {
    const tok = next();
    switch (tok.t) {
      case "var":
        return variables[tok.v];
      case "string":
        return tok.v;
      case "number":
        return Number(tok.v);
      case "name":
        return tok.v === "true" ? true : tok.v === "false" ? false : tok.v === "null" ? null : tok.v;
      default:
        if (tok.v === "[") {
          const list: unknown[] = [];
          while (peek()?.v !== "]") list.push(value());
          next();
          return list;
        }
        if (tok.v === "{") {
          const obj: Record<string, unknown> = {};
          while (peek()?.v !== "}") {
            const key = next().v;
            expect(":");
            obj[key] = value();
          }
          next();
          return obj;
        }
        throw new Error(`GraphQL parse error at ${tok.v}`);
    }
  };
  let kind: Operation["kind"] = "query";
  let name: string | undefined;
  if (peek()?.t === "name" && (peek().v === "query" || peek().v === "mutation")) {
    kind = next().v as Operation["kind"];
    if (peek()?.t === "name") name = next().v;
    if (peek()?.v === "(") skipBlock("(", ")");
  }
  expect("{");
  const fields: RootField[] = [];
  while (peek() && peek().v !== "}") {
    let alias = next().v;
    let field = alias;
    if (peek()?.v === ":") {
      next();
      field = next().v;
    }
    const args: Record<string, unknown> = {};
    if (peek()?.v === "(") {
      next();
      while (peek()?.v !== ")") {
        const key = next().v;
        expect(":");
        args[key] = value();
      }
      next();
    }
    if (peek()?.v === "{") skipBlock("{", "}");
    fields.push({ alias, name: field, args });
    alias = "";
  }
  return { kind, name, fields };
}
