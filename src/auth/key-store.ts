import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis, type UpstashConnection } from "../store/upstash";
import { ApiKeyRecordSchema, type ApiKeyRecord } from "./key-record";
import { keyRecordKey, merchantKeysKey } from "./redis-layout";

export interface KeyStoreOptions extends UpstashConnection {
  /** Each call is abandoned after this long (the Worker passes its Redis budget; the key tool waits longer). */
  timeoutMs: number;
}

/**
 * API keys in Upstash Redis: one JSON record per key under its digest, and a set of digests per merchant. The
 * Worker only calls `get`; the key tool (scripts/keys.ts) and the demo seeding write.
 */
export class KeyStore {
  private readonly redis: Redis;

  constructor(opts: KeyStoreOptions) {
    // An authentication waits on this read: no retries, a hard deadline, the raw JSON (validated below).
    this.redis = upstashRedis(opts);
  }

  /** The record of the key with this digest; null when there is none (or it is unreadable, which is logged). */
  async get(sha256: string): Promise<ApiKeyRecord | null> {
    return parseRecord(await this.redis.get<string>(keyRecordKey(sha256)), sha256);
  }

  /** Stores (or replaces) a record and indexes it under its merchant, atomically. */
  async put(record: ApiKeyRecord): Promise<void> {
    const tx = this.redis.multi();
    tx.set(keyRecordKey(record.sha256), JSON.stringify(ApiKeyRecordSchema.parse(record)));
    tx.sadd(merchantKeysKey(record.merchant_id), record.sha256);
    await tx.exec();
  }

  /** Every key of a merchant, revoked ones included, oldest first. */
  async list(merchantId: string): Promise<ApiKeyRecord[]> {
    const digests = await this.redis.smembers<string[]>(merchantKeysKey(merchantId));
    if (digests.length === 0) return [];
    const raw = await this.redis.mget<(string | null)[]>(...digests.map(keyRecordKey));
    return raw
      .map((r, i) => parseRecord(r, digests[i]!))
      .filter((r): r is ApiKeyRecord => r !== null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }
}

function parseRecord(raw: string | null, sha256: string): ApiKeyRecord | null {
  if (raw === null) return null;
  try {
    return ApiKeyRecordSchema.parse(JSON.parse(raw));
  } catch (e) {
    // A record that does not parse grants nothing; say which one so an operator can repair it.
    console.error(`auth: unreadable key record ${sha256.slice(0, 16)}:`, e instanceof Error ? e.message : e);
    return null;
  }
}
