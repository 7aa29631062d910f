import { tsImport } from "tsx/esm/api";
import type { TestProject } from "vitest/node";

// Loaded by Node itself (through tsx), not this project's Vite (whose workerd conditions would mis-resolve ioredis).
const local = (path: string) => tsImport(path, import.meta.url);

/**
 * Node-side services for the exporter tests: the local stack (Redis behind the Upstash REST endpoint, Kafka REST)
 * and the local AE SQL API stand-in. Tests inside workerd reach them over HTTP at the URLs provided here.
 */
export default async function setup(project: TestProject) {
  const { startLocalStack } = (await local("../../scripts/local/stack.ts")) as typeof import("../../scripts/local/stack");
  const { startAeSql } = (await local("../../scripts/local/ae-sql.ts")) as typeof import("../../scripts/local/ae-sql");
  const stack = await startLocalStack();
  const ae = await startAeSql({ token: "exporter-test-token" });

  project.provide("aeSqlUrl", ae.url);
  project.provide("aeSqlOrigin", ae.origin);
  project.provide("aeSqlToken", ae.token);
  project.provide("redisRestUrl", stack.env.UPSTASH_REDIS_REST_URL);
  project.provide("redisRestToken", stack.env.UPSTASH_REDIS_REST_TOKEN);
  project.provide("kafkaRestUrl", stack.env.UPSTASH_KAFKA_REST_URL);
  project.provide("kafkaRestUsername", stack.env.UPSTASH_KAFKA_REST_USERNAME);
  project.provide("kafkaRestPassword", stack.env.UPSTASH_KAFKA_REST_PASSWORD);

  return async () => {
    await ae.close();
    await stack.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    aeSqlUrl: string;
    aeSqlOrigin: string;
    aeSqlToken: string;
  }
}
