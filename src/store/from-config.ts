import type { Config } from "../config";
import type { FeatureStore } from "./feature-store";
import { RedisFeatureStore } from "./redis-feature-store";

/** The feature store the configuration names; none when Redis is not configured. */
export function featureStoreFrom(config: Config): FeatureStore | undefined {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return undefined;
  return new RedisFeatureStore({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: config.REDIS_TIMEOUT_MS,
  });
}
