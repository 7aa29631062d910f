import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["test/node/vitest.config.ts", "test/worker/vitest.config.ts", "test/worker/vitest.memory.config.ts", "test/exporter/vitest.config.ts", "test/e2e/vitest.config.ts"],
  },
});
