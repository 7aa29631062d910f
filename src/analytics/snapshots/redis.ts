import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis } from "../../store/upstash";
import { SNAPSHOT_KEY, SNAPSHOT_TTL_S, type Snapshot } from "../snapshot";
import { parseSnapshot } from "./parse";
import type { SnapshotRead, SnapshotStore } from "./interface";

/** The snapshot under one key of the feature store's Redis, kept SNAPSHOT_TTL_S. */
export class RedisSnapshotStore implements SnapshotStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;

  constructor(opts: { url: string; token: string; timeoutMs?: number }) {
    this.redis = upstashRedis({ ...opts, timeoutMs: opts.timeoutMs ?? 2_000, retries: 1 });
  }

  async read(): Promise<SnapshotRead> {
    const raw = await this.redis.get<string>(SNAPSHOT_KEY);
    return raw === null ? { kind: "none" } : parseSnapshot(raw);
  }

  async write(snapshot: Snapshot): Promise<void> {
    await this.redis.set(SNAPSHOT_KEY, JSON.stringify(snapshot), { ex: SNAPSHOT_TTL_S });
  }
}
