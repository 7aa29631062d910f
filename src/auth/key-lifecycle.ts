import { generateKey, keyHint, parseKey, type KeyKind, type KeyMode } from "./api-key";
import { keyDigest, keyIdOf } from "./hash";
import { ApiKeyRecordSchema, OriginSchema, PUBLISHABLE_SCOPES, SCOPES, type ApiKeyRecord, type RateLimitPolicy, type Scope } from "./key-record";
import type { KeyStore } from "./keys/interface";

/** What a new key may do; the key tool (scripts/keys.ts), the demo seeding and tests describe keys this way. */
export interface KeySpec {
  kind: KeyKind;
  mode: KeyMode;
  merchantId: string;
  /** Publishable keys: required, at least one. Secret keys: none. */
  allowedOrigins?: readonly string[];
  /** Secret keys: a subset of SCOPES (default all). Publishable keys always have `score` only. */
  scopes?: readonly Scope[];
  rateLimit?: RateLimitPolicy;
  label?: string;
}

export class KeySpecError extends Error {
  override readonly name = "KeySpecError";
}

/** Browsers send origins in lower case without a trailing slash; listing them the same way makes matching exact. */
export const normalizeOrigin = (origin: string) => origin.trim().replace(/\/+$/, "").toLowerCase();

/** The stored record of `key` (any well-formed key string, e.g. a fixed demo key) under `spec`. */
export async function recordFor(key: string, spec: KeySpec, createdAt: Date = new Date()): Promise<ApiKeyRecord> {
  const parsed = parseKey(key);
  if (!parsed || parsed.kind !== spec.kind || parsed.mode !== spec.mode) {
    throw new KeySpecError(`"${keyHint(key)}" is not a well-formed ${spec.mode} ${spec.kind} key`);
  }
  const origins = (spec.allowedOrigins ?? []).map(normalizeOrigin);
  for (const o of origins) {
    if (!OriginSchema.safeParse(o).success) throw new KeySpecError(`"${o}" is not an origin (scheme://host[:port], no path)`);
  }
  let scopes: readonly Scope[];
  if (spec.kind === "publishable") {
    if (origins.length === 0) throw new KeySpecError("A publishable key needs at least one allowed origin");
    if (spec.scopes && spec.scopes.some((s) => !PUBLISHABLE_SCOPES.includes(s))) {
      throw new KeySpecError(`Publishable keys can only have the scopes ${PUBLISHABLE_SCOPES.join(", ")}`);
    }
    scopes = PUBLISHABLE_SCOPES;
  } else {
    if (origins.length > 0) throw new KeySpecError("Secret keys are for servers: they take no allowed origins");
    scopes = spec.scopes ?? SCOPES;
  }
  const sha256 = await keyDigest(key);
  return ApiKeyRecordSchema.parse({
    id: keyIdOf(sha256),
    sha256,
    kind: spec.kind,
    mode: spec.mode,
    merchant_id: spec.merchantId,
    scopes: [...new Set(scopes)],
    allowed_origins: [...new Set(origins)],
    ...(spec.rateLimit && { rate_limit: spec.rateLimit }),
    hint: keyHint(key),
    ...(spec.label && { label: spec.label }),
    created_at: createdAt.toISOString(),
  });
}

/** A new random key, stored. The returned key string exists nowhere else: show it once. */
export async function issueKey(store: KeyStore, spec: KeySpec): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = generateKey(spec.kind, spec.mode);
  const record = await recordFor(key, spec);
  await store.put(record);
  return { key, record };
}

/** Revokes a key from `at` on (default now); an earlier revocation stands. Isolates notice within their cache TTL. */
export async function revokeKey(store: KeyStore, record: ApiKeyRecord, at: Date = new Date()): Promise<ApiKeyRecord> {
  if (record.revoked_at !== undefined && Date.parse(record.revoked_at) <= at.getTime()) return record;
  const revoked = { ...record, revoked_at: at.toISOString() };
  await store.put(revoked);
  return revoked;
}

/**
 * A new key with the same merchant, kind, mode, origins, scopes and limits; the old one keeps working for
 * `graceMs` (so deployments can switch over) and is then revoked.
 */
export async function rotateKey(store: KeyStore, old: ApiKeyRecord, graceMs: number): Promise<{ key: string; record: ApiKeyRecord; old: ApiKeyRecord }> {
  const fresh = await issueKey(store, specOf(old));
  const retired = await revokeKey(store, old, new Date(Date.now() + graceMs));
  return { ...fresh, old: retired };
}

export function specOf(record: ApiKeyRecord): KeySpec {
  return {
    kind: record.kind,
    mode: record.mode,
    merchantId: record.merchant_id,
    allowedOrigins: record.allowed_origins,
    scopes: record.scopes,
    ...(record.rate_limit && { rateLimit: record.rate_limit }),
    ...(record.label && { label: record.label }),
  };
}
