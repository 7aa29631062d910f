import { TEST_ADMIN_TOKEN, TEST_METRICS_TOKEN } from "./auth/keys";
import { workerProject } from "./project";

/** The Worker's tests against a real redis-server behind the local Upstash REST endpoint (global-setup.ts). */
export default workerProject({
  name: "worker",
  include: ["test/worker/**/*.test.ts"],
  // The memory backends' own checks run in vitest.memory.config.ts.
  exclude: ["test/worker/memory/**"],
  globalSetup: "test/worker/global-setup.ts",
  bindings: (inject) => ({
    ENVIRONMENT: "test",
    UPSTASH_REDIS_REST_URL: inject("redisRestUrl"),
    UPSTASH_REDIS_REST_TOKEN: inject("redisRestToken"),
    // Generous: the shared CI machine is slow; the timeout path has its own test with a short budget.
    REDIS_TIMEOUT_MS: "2000",
    // Outage tests read /health right after stopping a dependency; the cache has its own test.
    HEALTH_CACHE_MS: "0",
    // API keys are seeded by global-setup.ts (auth/keys.ts); /metrics takes this operator token instead.
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  }),
});
