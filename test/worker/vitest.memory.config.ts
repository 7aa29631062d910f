import { TEST_ADMIN_TOKEN, TEST_METRICS_TOKEN } from "./auth/keys";
import { workerProject } from "./project";

/**
 * The Worker's route (and policy) tests again, on the memory backends (BACKENDS=memory: feature store, API keys, rate limits,
 * alert spill, metrics snapshot in the isolate — the memory.ts beside each interface) instead of the real local
 * stack: the same requests must get the same answers whichever implementation is behind the interfaces. Left
 * out: health.cache.test.ts, which counts the requests the local Redis and Kafka REST endpoints serve.
 */
export default workerProject({
  name: "worker-memory",
  include: ["test/worker/routes/**/*.test.ts", "test/worker/policy/**/*.test.ts", "test/worker/feedback/**/*.test.ts", "test/worker/memory/**/*.test.ts"],
  // reviews.test.ts makes a merchant of its own in the Redis key store, which the memory backends do not read;
  // decision-log.test.ts drains the Redis outboxes to the local Kafka REST endpoint.
  exclude: ["test/worker/routes/health.cache.test.ts", "test/worker/feedback/reviews.test.ts", "test/worker/feedback/decision-log.test.ts"],
  globalSetup: "test/worker/memory-setup.ts",
  bindings: (inject) => ({
    ENVIRONMENT: "test",
    BACKENDS: "memory",
    SEED_API_KEYS: inject("seedApiKeys"),
    HEALTH_CACHE_MS: "0",
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  }),
});
