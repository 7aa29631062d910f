import type { ApiKeyRecord } from "./key-record";

export interface KeySource {
  get(sha256: string): Promise<ApiKeyRecord | null>;
}

export interface CachePolicy {
  /** How long a looked-up record (or its absence) is trusted without asking Redis: the revocation latency. */
  ttlMs: number;
  /** When Redis cannot be reached, how long past its TTL a record may still stand in. */
  maxStaleMs: number;
}

/** The key store could not answer and no recent enough answer was cached: the key cannot be verified. */
export class KeyLookupUnavailable extends Error {
  constructor(cause: unknown) {
    super(`API keys cannot be verified: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "KeyLookupUnavailable";
  }
}

interface Entry {
  record: ApiKeyRecord | null;
  fetchedAt: number;
}

/**
 * Key lookups remembered by the isolate, so a request with a recently seen key makes no Redis call to
 * authenticate. Concurrent misses for one key share one read. Unknown keys are remembered too (a client stuck on
 * a wrong key costs one read per TTL, not one per request); the map is bounded so random keys cannot grow it.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(private readonly maxEntries = 5000) {}

  async lookup(sha256: string, source: KeySource, policy: CachePolicy, now = Date.now()): Promise<ApiKeyRecord | null> {
    const cached = this.entries.get(sha256);
    if (cached && now - cached.fetchedAt < policy.ttlMs) return cached.record;
    try {
      return (await this.fetch(sha256, source)).record;
    } catch (e) {
      if (cached && now - cached.fetchedAt < policy.ttlMs + policy.maxStaleMs) {
        console.warn(`auth: key store unreachable, using a cached key record ${Math.round((now - cached.fetchedAt) / 1000)} s old`);
        return cached.record;
      }
      throw new KeyLookupUnavailable(e);
    }
  }

  /** Forgets everything (tests; an operator cannot reach into isolates, which is why the TTL is short). */
  clear(): void {
    this.entries.clear();
  }

  private fetch(sha256: string, source: KeySource): Promise<Entry> {
    let pending = this.inflight.get(sha256);
    if (!pending) {
      pending = source
        .get(sha256)
        .then((record) => this.remember(sha256, { record, fetchedAt: Date.now() }))
        .finally(() => this.inflight.delete(sha256));
      this.inflight.set(sha256, pending);
    }
    return pending;
  }

  private remember(sha256: string, entry: Entry): Entry {
    this.entries.delete(sha256);
    this.entries.set(sha256, entry);
    // Insertion order is age order: the first entry is the least recently fetched.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

/** One cache per isolate (module scope outlives requests; a deployment's isolates share one key store). */
export const isolateKeyCache = new KeyCache();
