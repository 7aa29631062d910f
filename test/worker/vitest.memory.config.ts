import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";
import { TEST_METRICS_TOKEN } from "./auth/keys";

/**
 * The Worker's route tests again, on the memory backends (BACKENDS=memory: feature store, API keys, rate limits,
 * alert spill, metrics snapshot in the isolate — src/*\/memory.ts) instead of the real local stack: the same
 * requests must get the same answers whichever implementation is behind the interfaces. Left out:
 * health.cache.test.ts, which counts the requests the local Redis and Kafka REST endpoints serve.
 */
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ENVIRONMENT: "test",
          BACKENDS: "memory",
          SEED_API_KEYS: inject("seedApiKeys"),
          HEALTH_CACHE_MS: "0",
          METRICS_TOKEN: TEST_METRICS_TOKEN,
        },
      },
    })),
  ],
  test: {
    name: "worker-memory",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/worker/routes/**/*.test.ts", "test/worker/memory/**/*.test.ts"],
    exclude: ["test/worker/routes/health.cache.test.ts"],
    globalSetup: ["test/worker/memory-setup.ts"],
    isolate: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
