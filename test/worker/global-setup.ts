import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { tsImport } from "tsx/esm/api";
import type { TestProject } from "vitest/node";
import { TEST_KEYS } from "./auth/keys";

// Loaded by Node itself (through tsx), not through this project's Vite: the workerd resolve conditions Vite
// uses here would hand Node-only packages (ioredis) their browser builds.
const local = (path: string) => tsImport(path, import.meta.url);

/**
 * Real dependencies for the Worker tests, started in Node before workerd runs them:
 * - the local stack (scripts/local/stack.ts): a real `redis-server` behind the local Upstash-REST-compatible
 *   endpoint, and the local Kafka REST endpoint (Upstash Kafka + Confluent v3 protocols — hosted Kafka REST has
 *   no local equivalent, so this stand-in speaks its documented wire format);
 * - a control endpoint so tests inside workerd can stop and restart that Redis (they cannot spawn processes);
 * - a TCP port that accepts connections and never answers, to exercise the Redis timeout.
 */
export const REDIS_TOKEN = "test-token";

export default async function setup(project: TestProject) {
  const { startLocalStack } = (await local("../../scripts/local/stack.ts")) as typeof import("../../scripts/local/stack");
  const stack = await startLocalStack({ redisToken: REDIS_TOKEN });
  const redis = stack.redisServer;
  // The keys the tests send (auth/keys.ts), stored the way `npm run dev` stores the demo merchant's.
  const { seedKeys } = (await local("../../scripts/seed-demo.ts")) as typeof import("../../scripts/seed-demo");
  await seedKeys(stack.env, TEST_KEYS);
  // The REST endpoint reconnects to a restarted redis-server with a short backoff: retry until it answers.
  const reseedKeys = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await seedKeys(stack.env, TEST_KEYS);
      } catch (e) {
        if (attempt === 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const control = createHttpServer((req, res) => {
    // A restarted redis-server is empty (no persistence): the suite's keys are stored again, as after a real
    // Redis loss an operator would restore them, so later tests still authenticate.
    const act = req.url === "/redis/stop" ? redis.stop() : req.url === "/redis/start" ? redis.restart().then(reseedKeys) : undefined;
    if (!act) {
      res.writeHead(404).end();
      return;
    }
    act.then(
      () => res.writeHead(204).end(),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));

  const sockets = new Set<Socket>();
  const hanging = createTcpServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));

  const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;
  project.provide("redisRestUrl", stack.env.UPSTASH_REDIS_REST_URL);
  project.provide("redisRestToken", stack.env.UPSTASH_REDIS_REST_TOKEN);
  project.provide("kafkaRestUrl", stack.env.UPSTASH_KAFKA_REST_URL);
  project.provide("kafkaRestUsername", stack.env.UPSTASH_KAFKA_REST_USERNAME);
  project.provide("kafkaRestPassword", stack.env.UPSTASH_KAFKA_REST_PASSWORD);
  project.provide("controlUrl", `http://127.0.0.1:${port(control)}`);
  project.provide("hangingUrl", `http://127.0.0.1:${port(hanging)}`);

  return async () => {
    for (const s of sockets) s.destroy();
    hanging.close();
    control.close();
    await stack.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisRestUrl: string;
    redisRestToken: string;
    kafkaRestUrl: string;
    kafkaRestUsername: string;
    kafkaRestPassword: string;
    controlUrl: string;
    hangingUrl: string;
  }
}
