import { createScheduledController, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import exporter from "../../../workers/metrics-exporter/src/index";
import { alertsFor } from "../../../src/alerts/raise";
import { IN_FLIGHT_MS } from "../../../src/alerts/spill/interface";
import { RedisAlertSpill } from "../../../src/alerts/spill/redis";
import { FEATURE_COUNT } from "../../../src/features";
import { TransactionSchema } from "../../../src/schemas/transaction";
import { toStoreItem } from "../../../src/pipeline/item";
import { TEST_METRICS_TOKEN } from "../auth/keys";
import { bearer, scoreResult, transaction } from "../helpers";
import { appWith, freshTopic, kafkaEnv, postInit, readTopic, setKafkaDown } from "./kafka";

interface Health {
  status: string;
  checks: Record<string, { status: string; failures?: number; backlog?: number; oldest_age_s?: number; detail?: string }>;
}

/** /health's checks are the operator's (METRICS_TOKEN). */
const operator = { headers: bearer(TEST_METRICS_TOKEN) };

const spill = () => new RedisAlertSpill({ url: env.UPSTASH_REDIS_REST_URL!, token: env.UPSTASH_REDIS_REST_TOKEN! });

const scored = (transactionId: string) => scoreResult({ transaction_id: transactionId });

/** Empties the spill the whole suite shares, so counts below are this test's own. */
async function drainSpill(): Promise<void> {
  const s = spill();
  await s.reclaim(Date.now() + 1);
  for (let batch = await s.oldest(500); batch.length > 0; batch = await s.oldest(500)) await s.remove(batch.map((a) => a.alert_id));
}

/** The exporter Worker's scheduled handler, as the cron would call it, over the same Redis and Kafka. */
async function runScheduled(topic: string, extra: Record<string, string> = {}): Promise<void> {
  await exporter.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), {
    UPSTASH_REDIS_REST_URL: env.UPSTASH_REDIS_REST_URL,
    UPSTASH_REDIS_REST_TOKEN: env.UPSTASH_REDIS_REST_TOKEN,
    ...kafkaEnv(),
    ALERT_TOPIC: topic,
    ...extra,
  });
}

describe("no alert lost: sink down → spill to Redis → scheduled replay", () => {
  beforeEach(drainSpill);
  afterEach(() => setKafkaDown(false));

  it("every alert scored while Kafka was down arrives after it comes back, exactly once after dedupe", async () => {
    const topic = freshTopic("outage");
    const request = appWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve", ALERT_BUDGET_MS: "800" });

    // Before the outage: delivered directly.
    const before = transaction();
    expect((await request("/v1/score", postInit(before))).status).toBe(200);
    expect((await readTopic(topic)).map((r) => r.alert.transaction_id)).toEqual([before.transaction_id]);

    await setKafkaDown(true);
    const during = [transaction(), transaction(), transaction(), transaction(), transaction()];
    const started = Date.now();
    const batch = await request("/v1/score/batch", postInit({ transactions: during.slice(0, 3) }));
    expect(batch.status).toBe(200);
    // The response's waitUntil work is bounded: budget (800 ms) + the spill, not @upstash/kafka's 15 s schedule.
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const tx of during.slice(3)) expect((await request("/v1/score", postInit(tx))).status).toBe(200);

    const down = await (await request("/health", operator)).json<Health>();
    expect(down.status).toBe("degraded");
    expect(down.checks.kafka!.status).toBe("down");
    expect(down.checks.kafka!.failures).toBe(5);
    expect(down.checks.alert_spill).toMatchObject({ status: "ok", backlog: 5 });

    await setKafkaDown(false);
    await runScheduled(topic);

    const delivered = await readTopic(topic);
    const unique = new Map(delivered.map((r) => [r.alert.alert_id, r.alert]));
    const wanted = [before, ...during].map((tx) => tx.transaction_id as string);
    // At-least-once: @upstash/kafka's own retries may also land a spilled batch; deduplicated by id, each decision
    // arrives once: one id per transaction, every transaction there.
    expect([...unique.values()].map((a) => a.transaction_id).sort()).toEqual([...wanted].sort());
    expect(delivered.length).toBeGreaterThanOrEqual(wanted.length);
    expect((await spill().backlog()).count).toBe(0);

    // The sink works again and nothing waits: health recovers although this isolate's last delivery failed.
    const after = await (await request("/health", operator)).json<Health>();
    expect(after.checks.alert_spill).toMatchObject({ status: "ok", backlog: 0 });
    expect(after.checks.kafka!.status).toBe("ok");
  });

  it("an alert whose isolate died mid-delivery is still on record (journal) and replayed once its delivery is over", async () => {
    const topic = freshTopic("orphan");
    const tx = TransactionSchema.parse(transaction());
    const [alert] = await alertsFor(
      [await toStoreItem(tx, {}, Date.now(), { kind: "secret" })],
      [{ kind: "scored", result: scored(tx.transaction_id), features: new Float32Array(FEATURE_COUNT) }],
      "approve",
      Date.now(),
    );
    // What deliverAlerts does first; then the isolate is gone before producing or spilling.
    await spill().journal([alert!]);
    expect((await spill().backlog()).count).toBe(0);
    expect((await spill().backlog(Date.now() + IN_FLIGHT_MS + 1)).count).toBe(1);

    await runScheduled(topic);
    expect(await readTopic(topic)).toEqual([]);
    await runScheduled(topic, { REPLAY_RECLAIM_AFTER_MS: "0" });
    expect((await readTopic(topic)).map((r) => r.alert.alert_id)).toEqual([alert!.alert_id]);
    expect((await spill().backlog(Date.now() + IN_FLIGHT_MS + 1)).count).toBe(0);
  });

  it("a delivered alert leaves nothing behind in the journal", async () => {
    const topic = freshTopic("acked");
    const request = appWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve" });
    expect((await request("/v1/score", postInit(transaction()))).status).toBe(200);
    expect(await readTopic(topic)).toHaveLength(1);
    expect((await spill().backlog(Date.now() + IN_FLIGHT_MS + 1)).count).toBe(0);
  });

  it("a replay that finds the sink still down keeps the backlog for the next run", async () => {
    const topic = freshTopic("still-down");
    const request = appWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve", ALERT_BUDGET_MS: "500" });
    await setKafkaDown(true);
    expect((await request("/v1/score", postInit(transaction()))).status).toBe(200);
    expect((await spill().backlog()).count).toBe(1);
    // REPLAY_BUDGET_MS default (20 s) would wait out the client's retries; the test's cron gets 1 s.
    await runScheduled(topic, { REPLAY_BUDGET_MS: "1000" });
    expect((await spill().backlog()).count).toBe(1);
    await setKafkaDown(false);
    await runScheduled(topic);
    expect((await spill().backlog()).count).toBe(0);
    expect(new Set((await readTopic(topic)).map((r) => r.alert.alert_id)).size).toBe(1);
  });
});
