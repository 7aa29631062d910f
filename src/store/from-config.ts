import type { Config } from "../config";
import type { FeatureStore } from "./feature-store";
import { RedisFeatureStore } from "./redis-feature-store";
import { upstashFrom } from "./upstash";

/** The feature store the configuration names; none when Redis is not configured. */
export function featureStoreFrom(config: Config): FeatureStore | undefined {
  const redis = upstashFrom(config);
  return redis && new RedisFeatureStore({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS });
}
