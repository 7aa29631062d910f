/**
 * Replays generated transaction history into Redis through the scoring Worker's own feature store (the same Lua
 * script, the same state layout), so local scoring sees realistic behaviour: cards with history, busy devices,
 * fraud bursts. The history is shifted to end now, so its recent part falls inside the live windows.
 *   npm run seed -- [--rows 50000] [--seed 7] [--batch 500]
 * Reads UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN (default: the local stack of `npm run dev`).
 */
import { parseArgs } from "node:util";
import { toStoreItem } from "../src/pipeline/item";
import { RedisFeatureStore } from "../src/store/redis";
import { generateStream } from "./data/stream";
import { LOCAL_DEFAULTS } from "./local/stack";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "50000" },
    seed: { type: "string", default: "7" },
    batch: { type: "string", default: "500" },
    days: { type: "string", default: "14" },
  },
});
const rows = Number(values.rows);
const batchSize = Math.min(1000, Number(values.batch));
const url = process.env.UPSTASH_REDIS_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.redisRestPort}`;
const token = process.env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_DEFAULTS.redisToken;

async function main() {
  const store = new RedisFeatureStore({ url, token, timeoutMs: 30_000 });
  const ping = await store.ping();
  if (ping.status !== "ok") throw new Error(`Redis at ${url} is not reachable (${ping.detail}); start it with \`npm run dev\` or set UPSTASH_REDIS_REST_URL`);
  const days = Number(values.days);
  const start = Date.now() - days * 86_400_000;
  const stream = generateStream({ seed: Number(values.seed), rows, start, days });
  let done = 0;
  let fraud = 0;
  const t0 = performance.now();
  let batch: Parameters<RedisFeatureStore["recordAndLoad"]>[0] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.recordAndLoad(batch);
    done += batch.length;
    batch = [];
    const rate = done / ((performance.now() - t0) / 1000);
    process.stdout.write(`\rseed: ${done}/${rows} transactions (${Math.round((100 * done) / rows)}%, ${Math.round(rate)}/s, ${fraud} fraud)   `);
  };
  for (const r of stream) {
    if (r.t > Date.now()) break;
    if (r.label === 1) fraud++;
    // The operator's backfill: history keeps its own times, which live scoring never accepts (src/pipeline/item.ts).
    batch.push(await toStoreItem(r.tx, r.edge, r.t, { kind: "secret" }, `seed:${r.tx.transaction_id}`));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  console.log(`\nseed: ${done} transactions over ${days} days replayed into ${url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(`seed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
