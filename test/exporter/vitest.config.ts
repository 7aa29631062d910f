import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";

/**
 * The metrics exporter Worker (workers/metrics-exporter) inside workerd, as wrangler builds it, against the local
 * stack (Redis REST + Kafka REST) and the local Analytics Engine SQL API stand-in (global-setup.ts): AE has no
 * local equivalent, so the stand-in answers the API's documented FORMAT JSON over points the tests store.
 */
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./workers/metrics-exporter/src/index.ts",
      wrangler: { configPath: "./workers/metrics-exporter/wrangler.toml" },
      miniflare: {
        bindings: {
          ENVIRONMENT: "test",
          AE_SQL_URL: inject("aeSqlUrl"),
          CF_API_TOKEN: inject("aeSqlToken"),
          UPSTASH_REDIS_REST_URL: inject("redisRestUrl"),
          UPSTASH_REDIS_REST_TOKEN: inject("redisRestToken"),
          UPSTASH_KAFKA_REST_URL: inject("kafkaRestUrl"),
          UPSTASH_KAFKA_REST_USERNAME: inject("kafkaRestUsername"),
          UPSTASH_KAFKA_REST_PASSWORD: inject("kafkaRestPassword"),
        },
      },
    })),
  ],
  test: {
    name: "exporter",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/exporter/**/*.test.ts"],
    globalSetup: ["test/exporter/global-setup.ts"],
    isolate: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
