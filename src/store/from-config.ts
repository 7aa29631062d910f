import type { Config } from "../config";
import type { FeatureStore } from "./interface";
import { MemoryFeatureStore } from "./memory";
import { NotConfiguredFeatureStore } from "./not-configured";
import { RedisFeatureStore } from "./redis";
import { upstashFrom } from "./upstash";

/** The feature store the configuration names (config.ts BACKENDS). */
export function featureStoreFrom(config: Config): FeatureStore {
  if (config.BACKENDS === "memory") return new MemoryFeatureStore();
  const redis = upstashFrom(config);
  return redis ? new RedisFeatureStore({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS }) : new NotConfiguredFeatureStore();
}
