import { selectedSink, type Config } from "../config";
import type { FeatureStore } from "./interface";
import { MemoryFeatureStore } from "./memory";
import { NotConfiguredFeatureStore } from "./not-configured";
import type { PolicyStore } from "./policy/interface";
import { MemoryPolicyStore } from "./policy/memory";
import { NotConfiguredPolicyStore } from "./policy/not-configured";
import { RedisPolicyStore } from "./policy/redis";
import { RedisFeatureStore } from "./redis";
import { upstashFrom } from "./upstash";
import type { RoutingStore } from "./routing/interface";
import { MemoryRoutingStore } from "./routing/memory";
import { NotConfiguredRoutingStore } from "./routing/not-configured";
import { RedisRoutingStore } from "./routing/redis";
import type { TransactionStore } from "./transactions/interface";
import { MemoryTransactionStore } from "./transactions/memory";
import { NotConfiguredTransactionStore } from "./transactions/not-configured";
import { RedisTransactionStore } from "./transactions/redis";

/** The feature store the configuration names (config.ts BACKENDS). */
export function featureStoreFrom(config: Config): FeatureStore {
  return storesFrom(config).store;
}

/**
 * The feature store, the policy store and the model routing store the configuration names, over the same
 * backend: a score's round trip reads the policy and the routing the other two write.
 */
export function storesFrom(config: Config): { store: FeatureStore; policy: PolicyStore; routing: RoutingStore; transactions: TransactionStore } {
  if (config.BACKENDS === "memory") {
    const store = new MemoryFeatureStore();
    return { store, policy: new MemoryPolicyStore(store.policy), routing: new MemoryRoutingStore(store.routing), transactions: new MemoryTransactionStore(store) };
  }
  const redis = upstashFrom(config);
  if (!redis) {
    return { store: new NotConfiguredFeatureStore(), policy: new NotConfiguredPolicyStore(), routing: new NotConfiguredRoutingStore(), transactions: new NotConfiguredTransactionStore() };
  }
  const operator = { ...redis, timeoutMs: Math.max(config.REDIS_TIMEOUT_MS, 2_000) };
  return {
    store: new RedisFeatureStore({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS }),
    policy: new RedisPolicyStore(operator),
    routing: new RedisRoutingStore(operator),
    // The outboxes are filled only when something drains them: a Kafka REST sink for the scheduled Worker.
    transactions: new RedisTransactionStore({ ...operator, decisionLog: ["upstash", "confluent"].includes(selectedSink(config)) }),
  };
}
