import { describe, expect, inject, it } from "vitest";
import { UpstashKafkaSink } from "../../../src/alerts/sink/upstash-kafka";
import { drainOutbox } from "../../../src/feedback/outbox";
import { upstashRedis } from "../../../src/store/upstash";
import { findPanPaths } from "../../../src/utils/pan";
import type { ScoreResult } from "../../../src/schemas/score";
import { appWith, freshTopic, kafkaEnv, postInit, setKafkaDown, topicValues } from "../alerts/kafka";
import { transaction } from "../helpers";
import { label, type LabelResults } from "./helpers";

/**
 * Scores through an app configured with the local Kafka REST endpoint: the decision log is on only where a Kafka
 * sink is (the outboxes are filled only when something drains them). Its after-answer work is awaited.
 */
const withKafka = () => appWith({ ...kafkaEnv(), ALERT_TOPIC: freshTopic("alerts-of-decision-log") });
async function scored(): Promise<ScoreResult> {
  const res = await withKafka()("/v1/score", postInit(transaction()));
  expect(res.status).toBe(200);
  return res.json<ScoreResult>();
}

/**
 * The decision log and the labels reach Kafka from the outboxes the record scripts fill (src/feedback/outbox.ts),
 * against the local Kafka REST stand-in (hosted Kafka REST has no local equivalent; it speaks the Upstash wire
 * format over a real log). The outboxes are shared by every test of the run: each drain here sends whatever is
 * waiting, and the assertions look for this test's own transactions.
 */
const redis = () => upstashRedis({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 10_000 });
const sink = (topic: string) => new UpstashKafkaSink({ url: inject("kafkaRestUrl"), username: inject("kafkaRestUsername"), password: inject("kafkaRestPassword"), topic });
const drain = (topic: "decisions" | "labels", to: string, budgetMs = 20_000) => drainOutbox(redis(), topic, sink(to), { budgetMs, batch: 500, maxBatches: 200 });

describe("the decision log and the labels on Kafka", () => {
  it("every scored transaction reaches the decisions topic once drained: its record and feature row, no card number", async () => {
    const mine = [await scored(), await scored(), await scored()];
    const topic = freshTopic("decisions");
    const report = await drain("decisions", topic);
    expect(report.error).toBeUndefined();
    expect(report.produced).toBeGreaterThanOrEqual(3);
    const values = await topicValues<Record<string, unknown>>(topic);
    for (const s of mine) {
      const found = values.filter((v) => v.value.transaction_id === s.transaction_id);
      expect(found).toHaveLength(1);
      expect(found[0]!.value).toMatchObject({ type: "decision", merchant: "m_test", score: s.score, decision: s.decision, model: { version: s.model.version } });
      expect((found[0]!.value.features as number[]).length).toBeGreaterThan(10);
      expect(found[0]!.headers.transaction_id).toBe(s.transaction_id);
      expect(findPanPaths(found[0]!.value)).toEqual([]);
    }
    // Drained: a second run has nothing of these left to send.
    const again = await drain("decisions", freshTopic("decisions-again"));
    expect(again.produced).toBeLessThan(report.produced);
  });

  it("Kafka down: nothing leaves the outbox; back up: everything arrives", async () => {
    await setKafkaDown(true);
    let waiting;
    try {
      waiting = await scored();
      // A short budget: the client would otherwise retry for 15.5 s before giving up.
      const failed = await drain("decisions", freshTopic("decisions-down"), 2_000);
      expect(failed.error).toMatch(/unavailable|timeout/);
      expect(failed.produced).toBe(0);
      expect(failed.remaining).toBeGreaterThanOrEqual(1);
    } finally {
      await setKafkaDown(false);
    }
    const topic = freshTopic("decisions-up");
    const ok = await drain("decisions", topic);
    expect(ok.error).toBeUndefined();
    expect((await topicValues<Record<string, unknown>>(topic)).filter((v) => v.value.transaction_id === waiting.transaction_id)).toHaveLength(1);
  }, 60_000);

  it("without a Kafka sink the outboxes are not filled (nothing would drain them)", async () => {
    const before = await drain("decisions", freshTopic("decisions-empty"));
    expect(before.error).toBeUndefined();
    const res = await appWith({ ALERT_SINK: "none" })("/v1/score", postInit(transaction()));
    expect(res.status).toBe(200);
    const mine = (await res.json<ScoreResult>()).transaction_id;
    const topic = freshTopic("decisions-off");
    await drain("decisions", topic);
    expect((await topicValues<Record<string, unknown>>(topic)).some((v) => v.value.transaction_id === mine)).toBe(false);
  });

  it("an applied label reaches the labels topic; a duplicate does not add another", async () => {
    const s = await scored();
    await drain("labels", freshTopic("labels-before"));
    const send = async () => (await (await withKafka()("/v1/feedback", postInit({ labels: [label(s.transaction_id, "fraud", "chargeback", "2026-12-01T00:00:00Z")] }))).json<LabelResults>()).results[0];
    expect(await send()).toMatchObject({ status: "applied" });
    expect(await send()).toMatchObject({ status: "duplicate" });
    const topic = freshTopic("labels");
    await drain("labels", topic);
    const mine = (await topicValues<Record<string, unknown>>(topic)).filter((v) => v.value.transaction_id === s.transaction_id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.value).toMatchObject({ type: "label", merchant: "m_test", label: "fraud", source: "chargeback", learnt_at: "2026-12-01T00:00:00.000Z" });
  });
});
