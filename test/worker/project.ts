import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";

type Inject = <K extends keyof import("vitest").ProvidedContext>(key: K) => import("vitest").ProvidedContext[K];

/**
 * A vitest project whose tests run inside workerd against the scoring Worker as wrangler builds it
 * (wrangler.toml: rules, vars), with `bindings` on top. One pool worker, not isolated: each isolate pays ~8 s to
 * receive the 14 MB ORT wasm, so a project pays it once.
 */
export function workerProject(opts: {
  name: string;
  include: string[];
  exclude?: string[];
  globalSetup: string;
  bindings: (inject: Inject) => Record<string, string>;
}) {
  return defineProject({
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: opts.bindings(inject as Inject) },
      })),
    ],
    test: {
      name: opts.name,
      root: new URL("../..", import.meta.url).pathname,
      include: opts.include,
      ...(opts.exclude && { exclude: opts.exclude }),
      globalSetup: [opts.globalSetup],
      isolate: false,
      maxWorkers: 1,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}

