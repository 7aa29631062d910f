/**
 * What the feature store adds to a score: the same stream of transactions scored by a local Worker without Redis
 * (neutral behaviour) and with Redis (the local stack: redis-server behind the Upstash REST endpoint), measured
 * at the client. Single scores go to the bench route that runs the real score handler without API-key checks
 * (scripts/bench/auth-bench-worker.ts), so the only difference between the modes is the feature store; batches
 * go to the real /v1/score/batch with a seeded bench key. Prints median / p90 / p99 per mode and the Redis round
 * trips counted at the endpoint.
 *   npx tsx scripts/bench/score-latency.ts [--n 1000] [--batch 100]
 */
import { parseArgs } from "node:util";
import { startLocalStack } from "../local/stack";
import { seedKeys } from "../seed-demo";
import { fmt, quantile, startWorker } from "./start-worker";

const { values } = parseArgs({ options: { n: { type: "string", default: "1000" }, batch: { type: "string", default: "100" } } });
const N = Number(values.n);
const BATCH = Number(values.batch);

const BENCH_KEY = "sk_test_benchlatency0000000000000000000";
const ENTRY = "scripts/bench/auth-bench-worker.ts";

function tx(i: number) {
  return {
    transaction_id: `txn_bench_${Date.now().toString(36)}_${i}`,
    amount: 500 + ((i * 7919) % 20_000),
    currency: "USD",
    merchant: { id: "m_bench", category: "5732", country: "US" },
    card: { fingerprint: `fp_bench_${i % 200}`, country: "US" },
    device: { id: `dev_bench_${i % 150}`, ip: `198.51.100.${i % 250}` },
    customer: { id: `cus_bench_${i % 180}` },
    channel: "web",
  };
}

type W = Awaited<ReturnType<typeof startWorker>>;
const post = (w: W, path: string, body: unknown) =>
  w.fetch(`http://bench${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY}` },
    body: JSON.stringify(body),
  });

async function measure(w: W, label: string, batch: boolean) {
  for (let i = 0; i < 20; i++) await (await post(w, "/bench/score-open", tx(-i - 1))).text(); // warm: ORT init, script load
  const lat: number[] = [];
  let degraded = 0;
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const res = await post(w, "/bench/score-open", tx(i));
    const body = (await res.json()) as { degraded: string[] };
    lat.push(performance.now() - t);
    if (body.degraded.length > 0) degraded++;
  }
  lat.sort((a, b) => a - b);
  const batches: number[] = [];
  for (let b = 0; batch && b < Math.max(3, Math.ceil(N / BATCH / 2)); b++) {
    const items = Array.from({ length: BATCH }, (_, j) => tx(N + b * BATCH + j));
    const t = performance.now();
    await (await post(w, "/v1/score/batch", { transactions: items })).text();
    batches.push(performance.now() - t);
  }
  batches.sort((a, b) => a - b);
  console.log(
    `| ${label} | ${fmt(quantile(lat, 0.5), 2)} | ${fmt(quantile(lat, 0.9), 2)} | ${fmt(quantile(lat, 0.99), 2)} | ${degraded}/${N} | ${fmt(quantile(batches, 0.5), 1)} |`,
  );
  return quantile(lat, 0.5);
}

async function main() {
  console.log(`${N} sequential single scores, then batches of ${BATCH}; latency at the client (ms)`);
  console.log(`| mode | p50 | p90 | p99 | degraded | batch of ${BATCH}, p50 |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
  const bare = await startWorker({ entrypoint: ENTRY, vars: { ENVIRONMENT: "bench", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" } });
  const p50Bare = await measure(bare, "no feature store (neutral behaviour)", false);
  await bare.dispose();

  const stack = await startLocalStack();
  await seedKeys(stack.env, [
    { key: BENCH_KEY, spec: { kind: "secret", mode: "test", merchantId: "m_bench", label: "bench", rateLimit: { requests: 1_000_000, window_s: 60 } } },
  ]);
  const withRedis = await startWorker({ entrypoint: ENTRY, vars: { ENVIRONMENT: "bench", ...stack.env, REDIS_TIMEOUT_MS: "1000" } });
  stack.upstashRedis.resetStats();
  const p50Redis = await measure(withRedis, "Redis feature store (local stack)", true);
  const stats = stack.upstashRedis.stats();
  await withRedis.dispose();
  await stack.stop();
  console.log(`added by the feature store at p50: ${fmt(p50Redis - p50Bare, 2)} ms`);
  console.log(`Redis REST requests during the run: ${JSON.stringify(stats.byPath)} (script calls on "/", post-response writes on "/pipeline")`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
