import { z } from "zod";
import { KEY_KINDS, KEY_MODES } from "./api-key";

/**
 * What a route needs a key to be allowed to do. Publishable keys only ever hold `score`; a secret key holds every
 * scope unless created with fewer (e.g. a reporting job that may only read stats).
 */
export const SCOPES = ["score", "score:batch", "score:stream", "entities:read", "model:read", "stats:read", "policy", "feedback"] as const;
export type Scope = (typeof SCOPES)[number];
export const PUBLISHABLE_SCOPES: readonly Scope[] = ["score"];

/** An origin as browsers send it: scheme, host, optional port — no path, no trailing slash. */
export const OriginSchema = z
  .string()
  .max(253)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, "must be an origin such as https://shop.example.com (no path)");

export const RateLimitPolicySchema = z.object({
  requests: z.number().int().positive().max(1_000_000),
  window_s: z.number().int().positive().max(86_400),
});
export type RateLimitPolicy = z.infer<typeof RateLimitPolicySchema>;

/** Per secret key, unless its record says otherwise. */
export const DEFAULT_SECRET_LIMIT: RateLimitPolicy = { requests: 100, window_s: 60 };
/** Per shopper IP address and publishable key: a checkout page retries a few times, a script hammering it doesn't. */
export const DEFAULT_PUBLISHABLE_IP_LIMIT: RateLimitPolicy = { requests: 30, window_s: 60 };

/** A stored key (JSON under `auth:v1:key:<sha256>`; docs/auth.md). Never holds the key itself. */
export const ApiKeyRecordSchema = z.object({
  id: z.string().regex(/^key_[0-9a-f]{16}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.enum(KEY_KINDS),
  mode: z.enum(KEY_MODES),
  merchant_id: z.string().min(1).max(128),
  scopes: z.array(z.enum(SCOPES)),
  /** Publishable keys: the only origins whose pages may use the key. Empty for secret keys. */
  allowed_origins: z.array(OriginSchema),
  /** Overrides the default limit: per key for secret keys, per IP for publishable keys. */
  rate_limit: RateLimitPolicySchema.optional(),
  /** How the key looks to a human: `sk_test_…a1b2`. */
  hint: z.string(),
  label: z.string().max(200).optional(),
  created_at: z.iso.datetime(),
  /** From this instant on the key is refused; a future time is a rotation's grace period. */
  revoked_at: z.iso.datetime().optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

export const isRevoked = (record: ApiKeyRecord, now: number) => record.revoked_at !== undefined && Date.parse(record.revoked_at) <= now;

export function rateLimitOf(record: ApiKeyRecord): RateLimitPolicy {
  return record.rate_limit ?? (record.kind === "secret" ? DEFAULT_SECRET_LIMIT : DEFAULT_PUBLISHABLE_IP_LIMIT);
}

/** A stored record (JSON), or null when there is none — or it does not parse, which grants nothing and is logged. */
export function parseKeyRecord(raw: string | null, sha256: string): ApiKeyRecord | null {
  if (raw === null) return null;
  try {
    return ApiKeyRecordSchema.parse(JSON.parse(raw));
  } catch (e) {
    // Say which one, so an operator can repair it.
    console.error(`auth: unreadable key record ${sha256.slice(0, 16)}:`, e instanceof Error ? e.message : e);
    return null;
  }
}
