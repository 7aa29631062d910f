import { tsImport } from "tsx/esm/api";
import type { TestProject } from "vitest/node";
import { TEST_KEYS } from "./auth/keys";

/**
 * The memory project's only setup: nothing to start (BACKENDS=memory keeps every Redis-backed backend in the
 * Worker's isolate), just the suite's API key records for the in-memory key store (SEED_API_KEYS) — the same
 * records global-setup.ts stores in Redis for the real-stack project.
 */
export default async function setup(project: TestProject) {
  const { recordsFor } = (await tsImport("../../scripts/seed-demo.ts", import.meta.url)) as typeof import("../../scripts/seed-demo");
  project.provide("seedApiKeys", JSON.stringify(await recordsFor(TEST_KEYS)));
}

declare module "vitest" {
  export interface ProvidedContext {
    seedApiKeys: string;
  }
}
