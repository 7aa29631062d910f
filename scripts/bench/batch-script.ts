/**
 * The feature store's worst cases for one batch of 1000, against a throw-away redis-server behind the local
 * Upstash REST endpoint, read from Redis's SLOWLOG: how long one script call holds Redis, the script time of the
 * whole batch, the round trip the caller saw, and — from a bystander client sending PINGs straight to redis-server
 * meanwhile — the longest any other client waited.
 * - hot:  every transaction names the same card, device, IP and customer, each already holding a full history
 *         from 20 merchants;
 * - wide: every transaction names its own card, device, IP and customer (4000 entities), each already holding the
 *         20 events its merchant may keep there (primed by 20 earlier batches).
 *
 *   npx tsx scripts/bench/batch-script.ts [--items 1000] [--runs 5]
 */
import { parseArgs } from "node:util";
import { Redis as IORedis } from "ioredis";
import { MAX_EVENTS_PER_MERCHANT } from "../../src/features";
import { toStoreItem } from "../../src/pipeline/item";
import type { Transaction } from "../../src/schemas/transaction";
import type { StoreItem } from "../../src/store/interface";
import { RedisFeatureStore } from "../../src/store/redis";
import { runMain } from "../cli";
import { startLocalStack } from "../local/stack";

const { values } = parseArgs({ options: { items: { type: "string", default: "1000" }, runs: { type: "string", default: "5" } } });
const ITEMS = Number(values.items);
const RUNS = Number(values.runs);

type Entities = (i: number) => { card: string; device: string; ip: string; customer: string };
const hot: Entities = () => ({ card: "bench_hot_card", device: "bench_hot_device", ip: "198.51.100.200", customer: "bench_hot_customer" });
const wide: Entities = (i) => ({ card: `bench_card_${i}`, device: `bench_dev_${i}`, ip: `10.77.${i >> 8}.${i & 255}`, customer: `bench_cus_${i}` });

function batch(run: string, n: number, entities: Entities, merchant: (i: number) => string): Promise<StoreItem[]> {
  const now = Date.now();
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const e = entities(i);
      const tx: Transaction = {
        transaction_id: `${run}_${i}`,
        amount: 1000 + i,
        currency: "USD",
        merchant: { id: merchant(i) },
        card: { fingerprint: e.card },
        device: { id: e.device, ip: e.ip },
        customer: { id: e.customer },
      };
      return toStoreItem(tx, { country: "US" }, now, { kind: "secret" });
    }),
  );
}

const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0]!.toFixed(1)} / ${s[Math.floor(s.length / 2)]!.toFixed(1)} / ${s[s.length - 1]!.toFixed(1)} ms`;
};

async function main(): Promise<void> {
  const stack = await startLocalStack();
  const direct = new IORedis(stack.redisServer.url);
  const bystanderClient = new IORedis(stack.redisServer.url);
  try {
    const store = new RedisFeatureStore({ url: stack.env.UPSTASH_REDIS_REST_URL, token: stack.env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 60_000 });
    await store.recordAndLoad(await batch("warm", 200, hot, (i) => `m_${i % 20}`));
    for (let k = 0; k < MAX_EVENTS_PER_MERCHANT; k++) await store.recordAndLoad(await batch(`prime${k}`, ITEMS, wide, () => "m_attacker"));
    await direct.config("SET", "slowlog-log-slower-than", "0");
    // Commands a script calls are logged too: keep enough entries that every call of a batch is still there.
    await direct.config("SET", "slowlog-max-len", "1000000");
    console.log(`batch of ${ITEMS}, ${RUNS} runs each: min / median / max`);
    for (const [name, entities] of [["hot", hot], ["wide", wide]] as const) {
      const longest: number[] = [];
      const total: number[] = [];
      const roundTrip: number[] = [];
      const waited: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const items = await batch(`${name}${r}`, ITEMS, entities, () => "m_attacker");
        await direct.slowlog("RESET");
        let running = true;
        let worst = 0;
        const bystander = (async () => {
          while (running) {
            const t = performance.now();
            await bystanderClient.ping();
            worst = Math.max(worst, performance.now() - t);
          }
        })();
        const started = performance.now();
        await store.recordAndLoad(items);
        roundTrip.push(performance.now() - started);
        running = false;
        await bystander;
        waited.push(worst);
        const log = (await direct.slowlog("GET", -1)) as [number, number, number, string[]][];
        const scripts = log.filter(([, , , args]) => /^EVAL/i.test(args[0] ?? "")).map(([, , micros]) => micros / 1000);
        longest.push(Math.max(...scripts));
        total.push(scripts.reduce((a, b) => a + b, 0));
      }
      console.log(`  ${name.padEnd(5)} longest script call ${fmt(longest)} · all calls ${fmt(total)} · round trip ${fmt(roundTrip)} · a bystander's longest PING ${fmt(waited)}`);
    }
  } finally {
    direct.disconnect();
    bystanderClient.disconnect();
    await stack.stop();
  }
}

runMain(main);
