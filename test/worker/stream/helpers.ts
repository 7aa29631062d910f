import { expect } from "vitest";
import type { PassReport, StreamStatus } from "../../../src/schemas/stream";
import type { ScoreResult } from "../../../src/schemas/score";
import { appWith, freshTopic, kafka, kafkaEnv, topicValues } from "../alerts/kafka";
import { TEST_ADMIN_TOKEN, TEST_SECRET_KEY } from "../auth/keys";
import { bearer } from "../helpers";

/**
 * A stream of its own for a test: fresh transactions, results and dead-letter topics on the local Kafka REST
 * stand-in (hosted Kafka REST has no local equivalent; it speaks the Upstash wire format over a real log), and an
 * app configured to consume it. The pass runs through POST /v1/admin/stream/pass — what the cron runs.
 */
export function stream(name: string, extra: Record<string, string> = {}) {
  const topics = {
    STREAM_TOPIC: extra.STREAM_TOPIC ?? freshTopic(`${name}-tx`),
    STREAM_RESULTS_TOPIC: extra.STREAM_RESULTS_TOPIC ?? freshTopic(`${name}-scores`),
    STREAM_DLQ_TOPIC: extra.STREAM_DLQ_TOPIC ?? freshTopic(`${name}-dlq`),
    STREAM_GROUP: extra.STREAM_GROUP ?? freshTopic(`${name}-group`),
  };
  const app = appWith({ ...kafkaEnv(), ALERT_TOPIC: freshTopic(`${name}-alerts`), ...topics, ...extra });
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  return {
    topics,
    app,
    /** Publishes records; each carries `key` (a merchant's secret key) unless `authorization` is null. */
    async publish(records: { value: unknown; authorization?: string | null; partition?: number; timestamp?: number }[]): Promise<void> {
      if (records.length === 0) return;
      await kafka().producer().produceMany(
        records.map((r) => ({
          topic: topics.STREAM_TOPIC,
          value: typeof r.value === "string" ? r.value : JSON.stringify(r.value),
          ...(r.partition !== undefined && { partition: r.partition }),
          ...(r.timestamp !== undefined && { timestamp: r.timestamp }),
          headers: r.authorization === null ? [] : [{ key: "authorization", value: r.authorization ?? bearer(TEST_SECRET_KEY).authorization }],
        })),
      );
    },
    async pass(budgetMs = 20_000): Promise<PassReport> {
      const res = await app(`/v1/admin/stream/pass?budget_ms=${budgetMs}`, { method: "POST", headers: admin });
      expect(res.status).toBe(200);
      return res.json<PassReport>();
    },
    async status(): Promise<StreamStatus> {
      const res = await app("/v1/admin/stream", { headers: admin });
      expect(res.status).toBe(200);
      return res.json<StreamStatus>();
    },
    results: () => topicValues<{ transaction_id: string; merchant_id: string; source: { partition: number; offset: number }; result: ScoreResult & { replayed?: boolean } }>(topics.STREAM_RESULTS_TOPIC),
    deadLetters: () => topicValues<{ source: { partition: number; offset: number }; problem: { code: string; errors?: { path: string; code: string }[] }; value?: string; value_redacted?: boolean; value_masked?: boolean }>(topics.STREAM_DLQ_TOPIC),
  };
}
