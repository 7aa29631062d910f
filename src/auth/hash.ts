import { sha256Hex } from "../utils/sha256";

/** A key as stored and looked up: the hex SHA-256 of the whole key string. */
export const keyDigest = (key: string): Promise<string> => sha256Hex(key);

const MAX_REMEMBERED = 1000;
const remembered = new Map<string, string>();

/**
 * `keyDigest` remembered by the isolate for the keys it keeps seeing (a digest was ~2 % of a score's CPU). Only
 * well-formed keys reach it (authenticate parses first) and the map is emptied when full, so random keys cannot
 * grow it; it holds what the isolate already holds while it serves those keys' requests.
 */
export async function rememberedKeyDigest(key: string): Promise<string> {
  const known = remembered.get(key);
  if (known !== undefined) return known;
  const digest = await keyDigest(key);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(key, digest);
  return digest;
}

/**
 * The public id of a key: the first 16 hex digits of its digest. Safe to log and show (a digest prefix says
 * nothing usable about the key) and stable, so the key tool and logs can name a key without its secret.
 */
export const keyIdOf = (digest: string) => `key_${digest.slice(0, 16)}`;

/**
 * Compares two secrets without a data-dependent early exit: both are hashed first, so the loop always runs over
 * 32 bytes whatever the inputs' lengths, and the time says nothing about where they differ.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([digestBytes(a), digestBytes(b)]);
  return bytesEqual(da, db);
}

/** Constant-time equality of two equal-length hex digests (differing lengths are unequal at once: not secret). */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function digestBytes(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
