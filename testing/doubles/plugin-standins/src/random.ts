/**
 * TEST DOUBLE: a stand-in for the `pulumi-resource-random` plugin (pulumi-random v4.x, bridged from
 * terraform-provider-random), implementing `random:index/randomPassword:RandomPassword` and
 * `random:index/randomString:RandomString` only. It exists because the real plugin cannot be built
 * here (see ../README.md); it is never on the product's code path, and a real plugin on PATH or in the
 * plugin cache takes precedence (toolchain/env.sh only adds this one when neither exists).
 *
 * Behaviour, after terraform-provider-random's random_password / random_string:
 * - check: defaults special/upper/lower/numeric = true (`number`, deprecated, mirrors `numeric`),
 *   min* = 0; `length` must be an integer >= 1 and >= the sum of the min* values;
 * - diff: every input forces a replacement (create-before-delete);
 * - create: `min*` characters from each class first, the rest from the enabled classes (special
 *   characters `!@#$%&*()-_=+[]{}<>:?` unless overrideSpecial), shuffled; node:crypto randomInt;
 *   RandomPassword: id "none" and `result` secret; RandomString: id = result, result plain;
 * - delete: nothing to do.
 * Not implemented: `bcryptHash` (no output), import, the other random types (RandomId, RandomPet, ...).
 */
import { randomInt } from "node:crypto";
import { main, type CheckFailure, type Provider } from "@pulumi/pulumi/provider";
import { changedKeys, containsUnknown, defined, isUnknown, reveal, secret, type Props } from "./common";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const STRING = "random:index/randomString:RandomString";

const INPUT_KEYS = [
  "keepers",
  "length",
  "lower",
  "minLower",
  "minNumeric",
  "minSpecial",
  "minUpper",
  "number",
  "numeric",
  "overrideSpecial",
  "special",
  "upper",
] as const;

const NUMERIC = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function typeOf(urn: string): string {
  const type = urn.split("::")[2]?.split("$").pop() ?? "";
  if (type !== PASSWORD && type !== STRING)
    throw new Error(`stand-in pulumi-resource-random implements only ${PASSWORD} and ${STRING}, not ${type}`);
  return type;
}

function withDefaults(news: Props): Props {
  const inputs: Props = { ...news };
  for (const k of ["special", "upper", "lower"]) if (inputs[k] == null) inputs[k] = true;
  const numeric = inputs.numeric ?? inputs.number ?? true;
  inputs.numeric = numeric;
  inputs.number = inputs.number ?? numeric;
  for (const k of ["minLower", "minUpper", "minNumeric", "minSpecial"]) if (inputs[k] == null) inputs[k] = 0;
  return defined(inputs);
}

function checkInputs(inputs: Props): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const length = reveal(inputs.length);
  if (length == null) return [{ property: "length", reason: "Missing required argument: length" }];
  if (isUnknown(length)) return failures;
  if (typeof length !== "number" || !Number.isInteger(length) || length < 1)
    failures.push({ property: "length", reason: "length must be an integer >= 1" });
  const mins = ["minUpper", "minLower", "minNumeric", "minSpecial"].map((k) => reveal(inputs[k]));
  if (mins.every((m) => typeof m === "number") && typeof length === "number") {
    const sum = (mins as number[]).reduce((a, b) => a + b, 0);
    if (length < sum)
      failures.push({
        property: "length",
        reason: `length must be at least minUpper + minLower + minNumeric + minSpecial (${sum}), got ${length}`,
      });
  }
  return failures;
}

function pick(chars: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(chars[randomInt(chars.length)]);
  return out;
}

/** terraform-provider-random's createRandomString. */
function generate(inputs: Props): string {
  const v = (k: string) => reveal(inputs[k]);
  const special = typeof v("overrideSpecial") === "string" && v("overrideSpecial") !== "" ? String(v("overrideSpecial")) : SPECIAL;
  let chars = "";
  if (v("upper") !== false) chars += UPPER;
  if (v("lower") !== false) chars += LOWER;
  if (v("numeric") !== false) chars += NUMERIC;
  if (v("special") !== false) chars += special;
  const result = [
    ...pick(NUMERIC, Number(v("minNumeric") ?? 0)),
    ...pick(LOWER, Number(v("minLower") ?? 0)),
    ...pick(UPPER, Number(v("minUpper") ?? 0)),
    ...pick(special, Number(v("minSpecial") ?? 0)),
  ];
  const rest = Number(v("length")) - result.length;
  if (rest > 0) {
    if (!chars) throw new Error("the character set is empty: enable at least one of upper, lower, numeric, special");
    result.push(...pick(chars, rest));
  }
  for (let i = result.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result.join("");
}

const provider: Provider = {
  // Build metadata marks the stand-in; the SDK asks for 4.21.2 and an ambient plugin is used whatever its version.
  version: "4.21.2+standin",

  async check(urn, _olds, news) {
    typeOf(urn);
    const inputs = withDefaults(news);
    return { inputs, failures: checkInputs(inputs) };
  },

  async diff(_id, urn, olds, news) {
    typeOf(urn);
    const changed = changedKeys(INPUT_KEYS, olds, news);
    return { changes: changed.length > 0, replaces: changed, deleteBeforeReplace: false };
  },

  async create(urn, inputs) {
    const type = typeOf(urn);
    if (containsUnknown(inputs)) throw new Error("stand-in pulumi-resource-random: create called with unknown inputs");
    const result = generate(inputs);
    if (type === PASSWORD) return { id: "none", outs: { ...inputs, result: secret(result) } };
    return { id: result, outs: { ...inputs, result } };
  },

  async update(_id, urn) {
    typeOf(urn);
    throw new Error("stand-in pulumi-resource-random: every input change replaces the resource; update is never expected");
  },

  async delete() {
    // Nothing exists outside the state.
  },
};

main(provider, process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`stand-in pulumi-resource-random: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
