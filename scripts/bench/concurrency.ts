/**
 * Exactness under concurrency, end to end: N scores of one card sent at once to a local Worker (real Redis behind
 * the local Upstash REST endpoint). Afterwards the card's state must hold all N (N ≤ 100, the per-entity cap).
 *   npx tsx scripts/bench/concurrency.ts [--n 100]
 */
import { parseArgs } from "node:util";
import { startLocalStack } from "../local/stack";
import { seedKeys } from "../seed-demo";
import { fmt, quantile, startWorker } from "./start-worker";

const { values } = parseArgs({ options: { n: { type: "string", default: "100" } } });
const N = Math.min(100, Number(values.n));
const KEY = "sk_test_benchconcurrency000000000000000";

async function main() {
  const stack = await startLocalStack();
  await seedKeys(stack.env, [
    { key: KEY, spec: { kind: "secret", mode: "test", merchantId: "m_bench", label: "bench", rateLimit: { requests: 1_000_000, window_s: 60 } } },
  ]);
  const worker = await startWorker({ vars: { ENVIRONMENT: "bench", ...stack.env, REDIS_TIMEOUT_MS: "5000" } });
  const headers = { "content-type": "application/json", authorization: `Bearer ${KEY}` };
  const card = `fp_concurrency_${Date.now().toString(36)}`;
  const score = (i: number) =>
    worker.fetch("http://bench/v1/score", {
      method: "POST",
      headers,
      body: JSON.stringify({ transaction_id: `txn_conc_${card}_${i}`, amount: 1000 + i, currency: "USD", card: { fingerprint: card } }),
    });
  await (await score(-1)).text(); // warm the isolate (model, key cache, script)
  const t0 = performance.now();
  const lat: number[] = [];
  const results = await Promise.all(
    Array.from({ length: N - 1 }, async (_, i) => {
      const t = performance.now();
      const res = await score(i);
      const body = (await res.json()) as { degraded: string[] };
      lat.push(performance.now() - t);
      return { status: res.status, degraded: body.degraded };
    }),
  );
  const wall = performance.now() - t0;
  const entity = (await (await worker.fetch(`http://bench/v1/entities/card/${card}`, { headers })).json()) as { events: unknown[]; windows: { "1h": { count: number } } };
  lat.sort((a, b) => a - b);
  const ok = results.filter((r) => r.status === 200 && r.degraded.length === 0).length;
  console.log(`${N - 1} concurrent scores of one card (+1 warm-up): ${ok} answered 200 without degradation in ${fmt(wall, 0)} ms (p50 ${fmt(quantile(lat, 0.5), 1)} ms, max ${fmt(lat[lat.length - 1]!, 1)} ms)`);
  console.log(`card state afterwards: ${entity.events.length} events, 1 h window count ${entity.windows["1h"].count} (expected ${N})`);
  await worker.dispose();
  await stack.stop();
  if (entity.events.length !== N) process.exit(1);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
