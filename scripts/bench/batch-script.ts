/**
 * The feature store's worst case: one batch of 1000 transactions that all name the same hot card, device, IP and
 * customer (each already holding a full history). Runs the store's real call against a throw-away redis-server
 * behind the local Upstash REST endpoint and reads the script's own execution time from Redis's SLOWLOG (the
 * time Redis was busy and every other client waited), next to the round trip the caller saw.
 *
 *   npx tsx scripts/bench/batch-script.ts [--items 1000] [--runs 5]
 */
import { parseArgs } from "node:util";
import { Redis as IORedis } from "ioredis";
import type { Transaction } from "../../src/schemas/transaction";
import { toStoreItem } from "../../src/pipeline/item";
import type { StoreItem } from "../../src/store/interface";
import { RedisFeatureStore } from "../../src/store/redis";
import { runMain } from "../cli";
import { startLocalStack } from "../local/stack";

const { values } = parseArgs({ options: { items: { type: "string", default: "1000" }, runs: { type: "string", default: "5" } } });
const ITEMS = Number(values.items);
const RUNS = Number(values.runs);

function items(run: string, n: number, merchant: (i: number) => string): Promise<StoreItem[]> {
  const now = Date.now();
  return Promise.all(Array.from({ length: n }, (_, i) => {
    const tx: Transaction = {
      transaction_id: `${run}_${i}`,
      amount: 1000 + i,
      currency: "USD",
      merchant: { id: merchant(i) },
      card: { fingerprint: "bench_hot_card" },
      device: { id: "bench_hot_device", ip: "198.51.100.200" },
      customer: { id: "bench_hot_customer" },
    };
    return toStoreItem(tx, { country: "US" }, now, { kind: "secret" });
  }));
}

async function main(): Promise<void> {
  const stack = await startLocalStack();
  const direct = new IORedis(stack.redisServer.url);
  try {
    const store = new RedisFeatureStore({ url: stack.env.UPSTASH_REDIS_REST_URL, token: stack.env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 60_000 });
    // A full history on every hot entity first, from many merchants.
    await store.recordAndLoad(await items("warm", 200, (i) => `m_${i % 20}`));
    await direct.config("SET", "slowlog-log-slower-than", "0");
    const script: number[] = [];
    const roundTrip: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await direct.slowlog("RESET");
      const batch = await items(`run${r}`, ITEMS, () => "m_attacker");
      const started = performance.now();
      await store.recordAndLoad(batch);
      roundTrip.push(performance.now() - started);
      const log = (await direct.slowlog("GET", 50)) as [number, number, number, string[]][];
      const evals = log.filter(([, , , args]) => /^EVAL/i.test(args[0] ?? ""));
      script.push(Math.max(...evals.map(([, , micros]) => micros)) / 1000);
      process.stderr.write(`\rrun ${r + 1}/${RUNS}`);
    }
    process.stderr.write("\n");
    const fmt = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `min ${s[0]!.toFixed(1)} / median ${s[Math.floor(s.length / 2)]!.toFixed(1)} / max ${s[s.length - 1]!.toFixed(1)} ms`;
    };
    console.log(`batch of ${ITEMS} on one hot card/device/IP/customer, ${RUNS} runs`);
    console.log(`  script time in Redis (SLOWLOG):  ${fmt(script)}`);
    console.log(`  round trip seen by the caller:   ${fmt(roundTrip)}`);
  } finally {
    direct.disconnect();
    await stack.stop();
  }
}

runMain(main);
