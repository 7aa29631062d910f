import { ApiKeyRecordSchema, parseKeyRecord, type ApiKeyRecord } from "../key-record";
import type { KeyStore } from "./interface";

/**
 * API key records in this isolate's memory (BACKENDS=memory), stored as the JSON Redis would hold: a record
 * that does not parse grants nothing here either. `seed` is where they come from, since nothing else can write
 * into a Worker's memory: SEED_API_KEYS (from-config.ts).
 */
export class MemoryKeyStore implements KeyStore {
  readonly kind = "memory" as const;
  private readonly records = new Map<string, string>();
  private readonly byMerchant = new Map<string, Set<string>>();

  constructor(seed: readonly ApiKeyRecord[] = []) {
    for (const r of seed) this.store(r);
  }

  async get(sha256: string): Promise<ApiKeyRecord | null> {
    return parseKeyRecord(this.records.get(sha256) ?? null, sha256);
  }

  async put(record: ApiKeyRecord): Promise<void> {
    this.store(record);
  }

  async list(merchantId: string): Promise<ApiKeyRecord[]> {
    return [...(this.byMerchant.get(merchantId) ?? [])]
      .map((sha256) => parseKeyRecord(this.records.get(sha256) ?? null, sha256))
      .filter((r): r is ApiKeyRecord => r !== null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  private store(record: ApiKeyRecord): void {
    this.records.set(record.sha256, JSON.stringify(ApiKeyRecordSchema.parse(record)));
    let digests = this.byMerchant.get(record.merchant_id);
    if (!digests) this.byMerchant.set(record.merchant_id, (digests = new Set()));
    digests.add(record.sha256);
  }
}
