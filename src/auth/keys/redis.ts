import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis, type UpstashConnection } from "../../store/upstash";
import { ApiKeyRecordSchema, parseKeyRecord, type ApiKeyRecord } from "../key-record";
import { keyRecordKey, merchantKeysKey } from "../redis-layout";
import type { KeyStore } from "./interface";

export interface KeyStoreOptions extends UpstashConnection {
  /** Each call is abandoned after this long (the Worker passes its Redis budget; the key tool waits longer). */
  timeoutMs: number;
}

/** API keys in Upstash Redis: one JSON record per key under its digest, and a set of digests per merchant. */
export class RedisKeyStore implements KeyStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;

  constructor(opts: KeyStoreOptions) {
    // An authentication waits on this read: no retries, a hard deadline, the raw JSON (validated below).
    this.redis = upstashRedis(opts);
  }

  async get(sha256: string): Promise<ApiKeyRecord | null> {
    return parseKeyRecord(await this.redis.get<string>(keyRecordKey(sha256)), sha256);
  }

  async put(record: ApiKeyRecord): Promise<void> {
    const tx = this.redis.multi();
    tx.set(keyRecordKey(record.sha256), JSON.stringify(ApiKeyRecordSchema.parse(record)));
    tx.sadd(merchantKeysKey(record.merchant_id), record.sha256);
    await tx.exec();
  }

  async list(merchantId: string): Promise<ApiKeyRecord[]> {
    const digests = await this.redis.smembers<string[]>(merchantKeysKey(merchantId));
    if (digests.length === 0) return [];
    const raw = await this.redis.mget<(string | null)[]>(...digests.map(keyRecordKey));
    return raw
      .map((r, i) => parseKeyRecord(r, digests[i]!))
      .filter((r): r is ApiKeyRecord => r !== null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }
}
