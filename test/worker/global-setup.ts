import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { tsImport } from "tsx/esm/api";
import type { TestProject } from "vitest/node";

// Loaded by Node itself (through tsx), not through this project's Vite: the workerd resolve conditions Vite
// uses here would hand Node-only packages (ioredis) their browser builds.
const local = (path: string) => tsImport(path, import.meta.url);

/**
 * Real dependencies for the Worker tests, started in Node before workerd runs them:
 * - a real `redis-server` behind the local Upstash-REST-compatible endpoint (scripts/local/);
 * - a control endpoint so tests inside workerd can stop and restart that Redis (they cannot spawn processes);
 * - a TCP port that accepts connections and never answers, to exercise the Redis timeout.
 */
export const REDIS_TOKEN = "test-token";

export default async function setup(project: TestProject) {
  const { startRedisServer } = (await local("../../scripts/local/redis-server-process.ts")) as typeof import("../../scripts/local/redis-server-process");
  const { startUpstashRest } = (await local("../../scripts/local/upstash-redis-rest.ts")) as typeof import("../../scripts/local/upstash-redis-rest");
  const redis = await startRedisServer();
  const rest = await startUpstashRest({ redis: redis.url, token: REDIS_TOKEN });

  const control = createHttpServer((req, res) => {
    const act = req.url === "/redis/stop" ? redis.stop() : req.url === "/redis/start" ? redis.restart() : undefined;
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
  project.provide("redisRestUrl", rest.url);
  project.provide("redisRestToken", REDIS_TOKEN);
  project.provide("controlUrl", `http://127.0.0.1:${port(control)}`);
  project.provide("hangingUrl", `http://127.0.0.1:${port(hanging)}`);

  return async () => {
    for (const s of sockets) s.destroy();
    hanging.close();
    control.close();
    await rest.close();
    await redis.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisRestUrl: string;
    redisRestToken: string;
    controlUrl: string;
    hangingUrl: string;
  }
}
