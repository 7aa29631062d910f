/**
 * What API-key authentication and rate limiting add to a request, measured at the client against a local Worker
 * (wrangler, workerd) and the local stack (redis-server behind the Upstash REST endpoint):
 * - /bench/open vs /bench/keyed, interleaved: identical routes but for the key + rate-limit middleware
 *   (scripts/bench/auth-bench-worker.ts). With the key in the isolate cache (the steady state) and, in a second
 *   Worker with AUTH_KEY_CACHE_TTL_MS=1, with a key read from Redis on every request (the worst case).
 * - POST /v1/score with a secret key, for scale, and the Redis requests a score makes; one bare Redis REST
 *   round trip from Node (the floor of what the rate-limit call costs).
 * Prints median / p90 / p99 in ms.
 *   npx tsx scripts/bench/auth-latency.ts [--n 2000]
 */
import { parseArgs } from "node:util";
import { startLocalStack } from "../local/stack";
import { seedKeys } from "../seed-demo";
import { fmt, quantile, startWorker } from "./start-worker";

const { values } = parseArgs({ options: { n: { type: "string", default: "2000" } } });
const N = Number(values.n);
const KEY = "sk_test_bench_auth_latency_0000000000";

type W = Awaited<ReturnType<typeof startWorker>>;
const get = (w: W, path: string) => w.fetch(`http://bench${path}`, { headers: { authorization: `Bearer ${KEY}` } });

async function timed(w: W, path: string): Promise<number> {
  const t = performance.now();
  const res = await get(w, path);
  await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return performance.now() - t;
}

const row = (label: string, xs: number[]) => {
  xs.sort((a, b) => a - b);
  console.log(`| ${label} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.9))} | ${fmt(quantile(xs, 0.99))} |`);
  return { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) };
};

/** The two bench routes alternately, so drift (other load on the machine) hits both alike. */
async function interleaved(w: W, n: number): Promise<{ open: number[]; keyed: number[] }> {
  for (let i = 0; i < 100; i++) await timed(w, i % 2 ? "/bench/open" : "/bench/keyed");
  const open: number[] = [];
  const keyed: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) process.stdout.write(`\r  ${i}/${n}`);
    open.push(await timed(w, "/bench/open"));
    keyed.push(await timed(w, "/bench/keyed"));
  }
  process.stdout.write("\r");
  return { open, keyed };
}

async function main() {
  const stack = await startLocalStack({ backend: "redis-server" });
  try {
    await seedKeys(stack.env, [{ key: KEY, spec: { kind: "secret", mode: "test", merchantId: "m_bench", rateLimit: { requests: 1_000_000, window_s: 60 } } }]);
    const vars = { ENVIRONMENT: "bench", ...stack.env, REDIS_TIMEOUT_MS: "1000" };
    const entrypoint = "scripts/bench/auth-bench-worker.ts";

    console.log(`latency at the client, ms (n=${N} per route; local wrangler + redis-server)`);
    console.log("| request | p50 | p90 | p99 |\n| --- | ---: | ---: | ---: |");
    const warm = await startWorker({ entrypoint, vars });
    const a = await interleaved(warm, N);
    const open = row("open route (no key, no limit)", a.open);
    const cached = row("keyed route, key cached in the isolate (1 Redis call: the rate limit)", a.keyed);

    const tx = (i: number) => ({
      transaction_id: `txn_auth_bench_${Date.now().toString(36)}_${i}`,
      amount: 500 + ((i * 7919) % 20_000),
      currency: "USD",
      card: { fingerprint: `fp_auth_bench_${i % 200}` },
      device: { id: `dev_auth_bench_${i % 150}` },
    });
    const score = (i: number) =>
      warm.fetch("http://bench/v1/score", {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify(tx(i)),
      });
    for (let i = 0; i < 50; i++) await (await score(-i - 1)).text();
    stack.upstashRedis.resetStats();
    const scores: number[] = [];
    const m = Math.max(200, Math.floor(N / 2));
    for (let i = 0; i < m; i++) {
      const t = performance.now();
      const res = await score(i);
      await res.text();
      scores.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 300)); // post-response writes (waitUntil) land
    const perScore = stack.upstashRedis.stats();
    row("POST /v1/score with a secret key (everything)", scores);
    await warm.dispose();

    const cold = await startWorker({ entrypoint, vars: { ...vars, AUTH_KEY_CACHE_TTL_MS: "1" } });
    const b = await interleaved(cold, Math.floor(N / 2));
    const open2 = row("open route (second Worker)", b.open);
    const uncached = row("keyed route, key read from Redis every request (AUTH_KEY_CACHE_TTL_MS=1)", b.keyed);
    await cold.dispose();

    // For scale: one round trip to the local Upstash REST endpoint from Node (what the rate-limit call costs at least).
    const pings: number[] = [];
    for (let i = 0; i < Math.min(N, 1000); i++) {
      const t = performance.now();
      const res = await fetch(stack.env.UPSTASH_REDIS_REST_URL, {
        method: "POST",
        headers: { authorization: `Bearer ${stack.env.UPSTASH_REDIS_REST_TOKEN}` },
        body: JSON.stringify(["PING"]),
      });
      await res.text();
      pings.push(performance.now() - t);
    }
    row("one Redis REST round trip from Node (PING), for scale", pings);

    console.log(`\nauth + rate limit add, key cached:  p50 ${fmt(cached.p50 - open.p50)} ms, p99 ${fmt(cached.p99 - open.p99)} ms`);
    console.log(`auth + rate limit add, key uncached: p50 ${fmt(uncached.p50 - open2.p50)} ms, p99 ${fmt(uncached.p99 - open2.p99)} ms`);
    const per = (path: string) => fmt((perScore.byPath[path] ?? 0) / m, 2);
    console.log(`Redis REST requests per score: ${per("/")} on "/" (rate-limit EVALSHA + feature-store EVALSHA), ${per("/pipeline")} on "/pipeline" (answer stored after the response)`);
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
