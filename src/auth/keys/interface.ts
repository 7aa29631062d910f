import type { ApiKeyRecord } from "../key-record";

/**
 * API key records by the SHA-256 of the key string, and the index of each merchant's keys. The Worker only reads
 * (`get`, through the isolate cache); the key tool (scripts/keys.ts), the demo seeding and tests write.
 * Implementations side by side: redis.ts (Upstash Redis), memory.ts (BACKENDS=memory, seeded from
 * SEED_API_KEYS), not-configured.ts (no key store: every protected route answers 503).
 */
export interface KeyStore {
  readonly kind: "redis" | "memory" | "not_configured";
  /** The record of the key with this digest; null when there is none (or it is unreadable, which is logged). */
  get(sha256: string): Promise<ApiKeyRecord | null>;
  /** Stores (or replaces) a record and indexes it under its merchant, atomically. */
  put(record: ApiKeyRecord): Promise<void>;
  /** Every key of a merchant, revoked ones included, oldest first. */
  list(merchantId: string): Promise<ApiKeyRecord[]>;
}
