import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Kafka } from "@upstash/kafka";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { startLocalStack } from "./stack";

/**
 * Latency of the local stack's endpoints, so tests and dev numbers can be read against it: sequential round
 * trips through @upstash/redis (HTTP → this endpoint → redis-server) vs straight to redis-server over TCP, a Lua
 * script via EVALSHA, and @upstash/kafka produce. Loopback only, bounded counts.
 *
 *   npx tsx scripts/local/bench.ts [--n 2000]
 */
const { values } = parseArgs({ options: { n: { type: "string", default: "2000" } } });
const n = Number(values.n);

async function measure(label: string, count: number, op: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(100, count); i++) await op(i);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
  console.log(`${label.padEnd(44)} n=${count}  p50=${q(0.5)} ms  p99=${q(0.99)} ms  ${Math.round((count / total) * 1000)} ops/s`);
}

const stack = await startLocalStack();
try {
  console.log(`redis-server at ${stack.redisServer.url}; ${n} sequential operations each (after 100 warm-up)`);
  const redis = new Redis({ url: stack.env.UPSTASH_REDIS_REST_URL, token: stack.env.UPSTASH_REDIS_REST_TOKEN, enableAutoPipelining: false });
  await redis.set("bench:k", "v".repeat(64));
  await measure("@upstash/redis GET (REST)", n, () => redis.get("bench:k"));
  const script = redis.createScript<number>("return redis.call('INCR', KEYS[1])");
  await measure("@upstash/redis Script.exec INCR (EVALSHA)", n, () => script.exec(["bench:n"], []));
  await measure("@upstash/redis pipeline of 10 GETs", Math.ceil(n / 10), () => {
    const p = redis.pipeline();
    for (let i = 0; i < 10; i++) p.get("bench:k");
    return p.exec();
  });
  const direct = new IORedis(stack.redisServer.url);
  await measure("ioredis GET (TCP, no REST) for reference", n, () => direct.get("bench:k"));
  direct.disconnect();
  const kafka = new Kafka({ url: stack.env.UPSTASH_KAFKA_REST_URL, username: stack.env.UPSTASH_KAFKA_REST_USERNAME, password: stack.env.UPSTASH_KAFKA_REST_PASSWORD });
  const producer = kafka.producer();
  await measure("@upstash/kafka produce", Math.ceil(n / 2), (i) => producer.produce("bench", { i }));
} finally {
  await stack.stop();
}
