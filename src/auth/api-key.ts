/**
 * API key strings. A key is `<kind>_<mode>_<secret>`: `pk` publishable (lives in a browser, bound to origins,
 * may only score) or `sk` secret (lives on a server, every route of its merchant); `test` or `live` mode. The
 * secret part is 32 base62 characters (≈190 bits) from the platform CSPRNG; the service only ever stores a
 * SHA-256 digest of the whole string (docs/auth.md).
 */
export const KEY_KINDS = ["publishable", "secret"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const KEY_MODES = ["test", "live"] as const;
export type KeyMode = (typeof KEY_MODES)[number];

const PREFIX: Record<KeyKind, string> = { publishable: "pk", secret: "sk" };
const KIND_OF_PREFIX: Record<string, KeyKind> = { pk: "publishable", sk: "secret" };

/** Underscores are allowed in the secret part so fixed, readable demo keys (`sk_test_demo_…`) parse too. */
const KEY_PATTERN = /^(pk|sk)_(test|live)_([A-Za-z0-9_]{24,100})$/;

export interface ParsedKey {
  kind: KeyKind;
  mode: KeyMode;
}

/** What a well-formed key string claims to be; `undefined` when it is not shaped like one of our keys. */
export function parseKey(key: string): ParsedKey | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  return { kind: KIND_OF_PREFIX[m[1]!]!, mode: m[2] as KeyMode };
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 32;

/** A new random key. Rejection sampling keeps every base62 character equally likely. */
export function generateKey(kind: KeyKind, mode: KeyMode): string {
  let secret = "";
  while (secret.length < SECRET_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(SECRET_LENGTH * 2))) {
      if (byte < 248 && secret.length < SECRET_LENGTH) secret += BASE62[byte % 62];
    }
  }
  return `${PREFIX[kind]}_${mode}_${secret}`;
}

/** How a key is shown once stored: its prefix and last four characters, enough to recognise, useless to use. */
export function keyHint(key: string): string {
  const m = KEY_PATTERN.exec(key);
  return m ? `${m[1]}_${m[2]}_…${key.slice(-4)}` : "…";
}
