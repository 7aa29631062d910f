import type { Config } from "../../config";
import { upstashFrom } from "../../store/upstash";
import type { SnapshotStore } from "./interface";
import { MemorySnapshotStore } from "./memory";
import { NotConfiguredSnapshotStore } from "./not-configured";
import { RedisSnapshotStore } from "./redis";

export function snapshotStoreFrom(config: Pick<Config, "BACKENDS" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">): SnapshotStore {
  if (config.BACKENDS === "memory") return new MemorySnapshotStore();
  const redis = upstashFrom(config);
  return redis ? new RedisSnapshotStore(redis) : new NotConfiguredSnapshotStore();
}
