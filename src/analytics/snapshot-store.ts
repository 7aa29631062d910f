import type { Redis } from "@upstash/redis/cloudflare";
import { upstashFrom, upstashRedis } from "../store/upstash";
import type { Config } from "../config";
import { SNAPSHOT_KEY, SNAPSHOT_TTL_S, SnapshotSchema, type Snapshot } from "./snapshot";

export type SnapshotRead = { kind: "snapshot"; snapshot: Snapshot } | { kind: "none" } | { kind: "invalid"; detail: string };

/** The metrics snapshot in the feature store's Redis: written by the exporter, read by /metrics and /v1/stats. */
export class SnapshotStore {
  private readonly redis: Redis;

  constructor(opts: { url: string; token: string; timeoutMs?: number }) {
    this.redis = upstashRedis({ ...opts, timeoutMs: opts.timeoutMs ?? 2_000, retries: 1 });
  }

  async read(): Promise<SnapshotRead> {
    const raw = await this.redis.get<string>(SNAPSHOT_KEY);
    if (raw === null) return { kind: "none" };
    const parsed = SnapshotSchema.safeParse(JSON.parse(raw));
    // A snapshot from an exporter of another version: report it rather than serve numbers we misread.
    return parsed.success ? { kind: "snapshot", snapshot: parsed.data } : { kind: "invalid", detail: parsed.error.message };
  }

  async write(snapshot: Snapshot): Promise<void> {
    await this.redis.set(SNAPSHOT_KEY, JSON.stringify(snapshot), { ex: SNAPSHOT_TTL_S });
  }
}

export function snapshotStoreFrom(config: Pick<Config, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">): SnapshotStore | undefined {
  const redis = upstashFrom(config);
  return redis && new SnapshotStore(redis);
}
