import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka } from "@upstash/kafka";
import { freeLoopbackPort } from "../../scripts/local/free-port";
import { startLocalStack, type LocalStack } from "../../scripts/local/stack";
import { DEMO_KEYS, DEMO_SECRET_KEY, DEMO_SHOP2_SECRET_KEY, DEV_ADMIN_TOKEN, seedKeys } from "../../scripts/seed-demo";
import { build, readWranglerConfig, serveOnWorkerd } from "../../scripts/start";
import { consume, generated, publish } from "../../scripts/stream";
import type { PassReport } from "../../src/schemas/stream";

/**
 * The stream consumer end to end, as the "done when" asks: 10,000 generated transactions published to the
 * topic on the local Kafka REST stand-in (hosted Kafka REST has no local equivalent; it speaks the Upstash wire
 * format over Redis streams), consumed by the built Worker on workerd, which is SIGKILLed in the middle of a pass
 * and started again over the same backends — and nothing is lost (every transaction answered, the offsets at the
 * end of the log) or counted twice (a shared card's history holds each of its transactions once).
 */
const run = Date.now().toString(36);
const topic = `transactions-e2e-${run}`;
const results = `fraud-scores-e2e-${run}`;
let stack: LocalStack;
let port: number;
let config: Awaited<ReturnType<typeof readWranglerConfig>>;
let workerd: Awaited<ReturnType<typeof serveOnWorkerd>> | undefined;
const base = () => `http://127.0.0.1:${port}`;

async function startScorer(): Promise<void> {
  workerd = await serveOnWorkerd(config, {
    port,
    configName: `config-e2e-stream-${port}.capnp`,
    stdio: "ignore",
    text: { ENVIRONMENT: "e2e", ...stack.env, REDIS_TIMEOUT_MS: "2000", ADMIN_TOKEN: DEV_ADMIN_TOKEN, STREAM_TOPIC: topic, STREAM_RESULTS_TOPIC: results, ALERT_TOPIC: `alerts-e2e-${run}` },
  });
  for (let i = 0; i < 200; i++) {
    try {
      await (await fetch(`${base()}/health`)).body?.cancel();
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the scorer did not come up");
}

const pass = async (budgetMs: number): Promise<PassReport> => {
  const res = await fetch(`${base()}/v1/admin/stream/pass?budget_ms=${budgetMs}`, { method: "POST", headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.json() as Promise<PassReport>;
};

beforeAll(async () => {
  await build();
  config = await readWranglerConfig();
  stack = await startLocalStack({ redisRestPort: 0, kafkaRestPort: 0 });
  await seedKeys(stack.env, DEMO_KEYS);
  port = await freeLoopbackPort();
  await startScorer();
}, 180_000);

afterAll(async () => {
  await workerd?.stop();
  await stack?.stop();
});

describe("the stream consumer killed mid-run", () => {
  it("scores 10,000 published transactions with a SIGKILL in the middle: every one answered, none counted twice", async () => {
    const kafka = { url: stack.env.UPSTASH_KAFKA_REST_URL!, username: stack.env.UPSTASH_KAFKA_REST_USERNAME!, password: stack.env.UPSTASH_KAFKA_REST_PASSWORD! };
    // Four cards with ten transactions each, spread over the whole stream (under the 20 events a merchant may hold).
    const cards = [0, 1, 2, 3].map((k) => `card_fp_stream_e2e_${run}_${k}`);
    const txs = [...generated(10_000, 7, run)].map((tx, i) => (i % 250 === 0 ? { ...tx, card: { fingerprint: cards[(i / 250) % 4]!, country: "US" } } : tx));
    // Alternating keys: m_demo's and m_demo_shop2's records share every batch; the four cards' are all m_demo's.
    expect(await publish(txs, txs.length, { kafka, topic, keys: [DEMO_SECRET_KEY, DEMO_SHOP2_SECRET_KEY], quiet: true })).toBe(10_000);

    // Two short passes, then a third killed while it runs. The first is counted at the Redis REST endpoint: the
    // record calls of a batch (all its merchants) travel in one request, its stored answers and records in one more.
    const redisStats = async () => ((await (await fetch(`${stack.env.UPSTASH_REDIS_REST_URL}/__stats`)).json()) as { byPath: Record<string, number> }).byPath;
    const statsBefore = await redisStats();
    const first = [await pass(800)];
    await new Promise((r) => setTimeout(r, 500));
    const statsAfter = await redisStats();
    const perBatch = Object.fromEntries(Object.entries(statsAfter).map(([path, n]) => [path, (n - (statsBefore[path] ?? 0)) / first[0]!.batches]));
    console.log(`stream e2e: Redis REST requests per batch of 500, by path: ${JSON.stringify(perBatch)}`);
    expect(first[0]!.batches).toBeGreaterThan(0);
    expect(perBatch["/pipeline"]).toBeLessThanOrEqual(2.5);
    first.push(await pass(800));
    const inFlight = pass(5_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400));
    const exited = new Promise((r) => workerd!.child.once("exit", r));
    process.kill(await workerd!.pid, "SIGKILL");
    await Promise.all([inFlight, exited]);
    expect(await inFlight).toBeUndefined();
    await startScorer();

    // The restarted consumer waits out what the killed pass held (its reservations last a minute) and drains.
    const rest = await consume({ base: base(), adminToken: DEV_ADMIN_TOKEN, budgetMs: 5_000, maxSeconds: 150 });
    console.log(`stream e2e: before the kill ${JSON.stringify(first)}; after the restart ${JSON.stringify(rest)}`);
    expect(rest.lag).toBe(0);

    const status = (await (await fetch(`${base()}/v1/admin/stream`, { headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}` } })).json()) as { partitions: { committed: number; end: number }[] };
    expect(status.partitions).toEqual([expect.objectContaining({ committed: 10_000, end: 10_000 })]);

    // Nothing lost: every transaction has an answer on the results topic (at least once: a replay may repeat one).
    const answered = new Set<string>();
    const consumer = new Kafka(kafka).consumer();
    for (let offset = 0; ; ) {
      const batch = await consumer.fetch({ topic: results, partition: 0, offset, timeout: 100 });
      if (batch.length === 0) break;
      for (const m of batch) answered.add((JSON.parse(m.value) as { transaction_id: string }).transaction_id);
      offset = batch[batch.length - 1]!.offset + 1;
    }
    expect(answered.size).toBe(10_000);
    for (const tx of txs) expect(answered.has(tx.transaction_id as string)).toBe(true);

    // Nothing counted twice: each card's ten transactions are in its history once.
    for (const card of cards) {
      const entity = await fetch(`${base()}/v1/entities/card/${card}`, { headers: { authorization: `Bearer ${DEMO_SECRET_KEY}` } });
      expect(((await entity.json()) as { windows: { "7d": { count: number } } }).windows["7d"].count).toBe(10);
    }
  }, 240_000);
});
