import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";

/**
 * Tests that run inside workerd, against the Worker as wrangler builds it (wrangler.toml: rules, vars).
 * One pool worker, not isolated: each isolate pays ~8 s to receive the 14 MB ORT wasm, so the run pays it once.
 */
export default defineProject({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { ENVIRONMENT: "test" } },
    }),
  ],
  test: {
    name: "worker",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/worker/**/*.test.ts"],
    isolate: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
