import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";
import { TEST_METRICS_TOKEN } from "./auth/keys";

/**
 * Tests that run inside workerd, against the Worker as wrangler builds it (wrangler.toml: rules, vars), with a
 * real redis-server behind the local Upstash REST endpoint (global-setup.ts). One pool worker, not isolated:
 * each isolate pays ~8 s to receive the 14 MB ORT wasm, so the run pays it once.
 */
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ENVIRONMENT: "test",
          UPSTASH_REDIS_REST_URL: inject("redisRestUrl"),
          UPSTASH_REDIS_REST_TOKEN: inject("redisRestToken"),
          // Generous: the shared CI machine is slow; the timeout path has its own test with a short budget.
          REDIS_TIMEOUT_MS: "2000",
          // Outage tests read /health right after stopping a dependency; the cache has its own test.
          HEALTH_CACHE_MS: "0",
          // API keys are seeded by global-setup.ts (auth/keys.ts); /metrics takes this operator token instead.
          METRICS_TOKEN: TEST_METRICS_TOKEN,
        },
      },
    })),
  ],
  test: {
    name: "worker",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/worker/**/*.test.ts"],
    // The memory backends' own checks run in vitest.memory.config.ts.
    exclude: ["test/worker/memory/**"],
    globalSetup: ["test/worker/global-setup.ts"],
    isolate: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
