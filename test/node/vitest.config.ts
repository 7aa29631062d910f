import { defineProject } from "vitest/config";

/** Tests that run in Node: the training pipeline, the feature definition, scripts and local services. */
export default defineProject({
  test: {
    name: "node",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
