import { describe, expect, it } from "vitest";
import { newKey } from "../auth/helpers";
import { TEST_METRICS_TOKEN, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { alertsFor } from "../../../src/alerts/raise";
import { FEATURE_COUNT } from "../../../src/features";
import { toStoreItem } from "../../../src/pipeline/item";
import { TransactionSchema } from "../../../src/schemas/transaction";
import { bearer, scoreResult, transaction } from "../helpers";
import { appWith, freshTopic, kafkaEnv, postInit, readTopic } from "./kafka";

/** Findings 5 and 9 (alert flooding) of issue 10. ALERT_MIN_DECISION=approve: every decision alerts. */
const fromPage = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN },
  body: JSON.stringify(body),
});

describe("alerts", () => {
  it("5. the page's and the server's decisions on one transaction are two alerts with two ids", async () => {
    const topic = freshTopic("identity");
    const request = appWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve" });
    const tx = transaction();
    expect((await request("/v1/score", fromPage(tx))).status).toBe(200);
    expect((await request("/v1/score", postInit(tx))).status).toBe(200);
    const alerts = (await readTopic(topic)).map((r) => r.alert);
    expect(alerts.map((a) => a.transaction_id)).toEqual([tx.transaction_id, tx.transaction_id]);
    expect(new Set(alerts.map((a) => a.alert_id)).size).toBe(2);
    expect(alerts.map((a) => a.source)).toEqual(["publishable", "secret"]);
  });

  it("9. a public key cannot flood the topic: alerts from page scores are bounded per merchant, and the rest counted", async () => {
    const topic = freshTopic("flood");
    const request = appWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve", ALERT_PUBLISHABLE_PER_MINUTE: "3" });
    // A merchant of its own (the bound is per merchant per minute), and not in a minute's last seconds.
    const { key } = await newKey({ kind: "publishable", allowedOrigins: [TEST_ORIGIN], rateLimit: { requests: 1000, window_s: 60 } });
    if (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 50));
    const page = (body: unknown): RequestInit => ({ ...fromPage(body), headers: { "content-type": "application/json", ...bearer(key), origin: TEST_ORIGIN } });
    for (let i = 0; i < 5; i++) {
      const { merchant: _m, ...tx } = transaction();
      expect((await request("/v1/score", page(tx))).status).toBe(200);
    }
    // The server's own decisions are never held back.
    expect((await request("/v1/score", postInit(transaction()))).status).toBe(200);
    const alerts = (await readTopic(topic)).map((r) => r.alert);
    expect(alerts.filter((a) => a.source === "publishable")).toHaveLength(3);
    expect(alerts.filter((a) => a.source === "secret")).toHaveLength(1);
    const health = await (await request("/health", { headers: bearer(TEST_METRICS_TOKEN) })).json<{ checks: { kafka: { suppressed?: number } } }>();
    expect(health.checks.kafka.suppressed).toBe(2);
  });

  it("a retry scored after its first attempt was released is another decision: another id; a re-sent alert keeps its id", async () => {
    const tx = TransactionSchema.parse(transaction());
    const first = await toStoreItem(tx, {}, Date.now(), { kind: "secret" });
    const retry = await toStoreItem(tx, {}, Date.now(), { kind: "secret" });
    expect(retry.idempotencyKey).toBe(first.idempotencyKey);
    const scored = { kind: "scored" as const, result: scoreResult({ transaction_id: tx.transaction_id }), features: new Float32Array(FEATURE_COUNT) };
    const ids = async (item: typeof first) => (await alertsFor([item], [scored], "approve", Date.now())).map((a) => a.alert_id);
    expect(await ids(first)).toEqual(await ids(first));
    expect(await ids(retry)).not.toEqual(await ids(first));
  });
});
