import { defineProject } from "vitest/config";

/**
 * End to end in Node: the local stack, the Worker under wrangler (unstable_startWorker, the same runtime as
 * `npm run dev`), the example checkout page on its own origin, and real headless Chromium (Debian's `chromium`
 * driven by playwright-core) — so CORS, preflights and the browser script are exercised as in production.
 */
export default defineProject({
  test: {
    name: "e2e",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    // One Worker and one browser serve every test of a file; files run one after another.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
