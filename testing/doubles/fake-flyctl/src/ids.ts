/** Identifiers shaped like Fly's: machine ids (14 hex), instance ids (ULID-like), machine names. */
import { randomBytes } from "node:crypto";

export function machineId(): string {
  return randomBytes(7).toString("hex");
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function instanceId(): string {
  let time = Date.now();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = "";
  for (let i = 0; i < 16; i++) tail += CROCKFORD[bytes[i] % 32];
  return head + tail;
}

const ADJECTIVES = [
  "autumn",
  "billowing",
  "crimson",
  "damp",
  "empty",
  "frosty",
  "gentle",
  "hidden",
  "icy",
  "jolly",
  "lively",
  "misty",
  "noisy",
  "orange",
  "proud",
  "quiet",
  "rough",
  "solitary",
  "twilight",
  "wispy",
];
const NOUNS = [
  "bird",
  "brook",
  "cloud",
  "dawn",
  "dust",
  "field",
  "fire",
  "flower",
  "glade",
  "grass",
  "lake",
  "leaf",
  "moon",
  "night",
  "pine",
  "rain",
  "river",
  "sea",
  "snow",
  "sun",
];

export function machineName(): string {
  const b = randomBytes(3);
  return `${ADJECTIVES[b[0] % ADJECTIVES.length]}-${NOUNS[b[1] % NOUNS.length]}-${1000 + ((b[2] * 37) % 9000)}`;
}
