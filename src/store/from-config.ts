import type { Config } from "../config";
import type { FeatureStore } from "./interface";
import { MemoryFeatureStore } from "./memory";
import { NotConfiguredFeatureStore } from "./not-configured";
import type { PolicyStore } from "./policy/interface";
import { MemoryPolicyStore } from "./policy/memory";
import { NotConfiguredPolicyStore } from "./policy/not-configured";
import { RedisPolicyStore } from "./policy/redis";
import { RedisFeatureStore } from "./redis";
import { upstashFrom } from "./upstash";

/** The feature store the configuration names (config.ts BACKENDS). */
export function featureStoreFrom(config: Config): FeatureStore {
  return storesFrom(config).store;
}

/**
 * The feature store and the policy store the configuration names, over the same backend: a score's round trip
 * reads the policy the policy store writes.
 */
export function storesFrom(config: Config): { store: FeatureStore; policy: PolicyStore } {
  if (config.BACKENDS === "memory") {
    const store = new MemoryFeatureStore();
    return { store, policy: new MemoryPolicyStore(store.policy) };
  }
  const redis = upstashFrom(config);
  if (!redis) return { store: new NotConfiguredFeatureStore(), policy: new NotConfiguredPolicyStore() };
  return {
    store: new RedisFeatureStore({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS }),
    policy: new RedisPolicyStore({ ...redis, timeoutMs: Math.max(config.REDIS_TIMEOUT_MS, 2_000) }),
  };
}
