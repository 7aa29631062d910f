import { describe, expect, it } from "vitest";
import { transaction } from "../helpers";
import { freshTopic, kafkaEnv, postInit, readTopic, requestWith } from "./kafka";

interface Scored {
  transaction_id: string;
  score: number;
  decision: "approve" | "review" | "decline";
  risk_level: string;
  reasons: unknown[];
  model: { id: string; version: string };
}

/**
 * Alerts produced after the response to the local Kafka REST endpoint, through each sink. The model is a
 * placeholder whose scores these tests do not rely on: ALERT_MIN_DECISION=approve makes every decision an
 * alert where a test needs one, and the level test compares against whatever the decisions were.
 */
describe("alerts reach the topic after the response", () => {
  it("upstash sink: one alert per alerting decision, keyed by merchant, with every field and an id per decision", async () => {
    const topic = freshTopic("upstash");
    const tx = transaction({ merchant: { id: "m_test" } });
    const res = await requestWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve" }, "/v1/score", postInit(tx));
    expect(res.status).toBe(200);
    const scored = await res.json<Scored>();

    const records = await readTopic(topic);
    expect(records).toHaveLength(1);
    const [{ key, alert, headers }] = records as [(typeof records)[0]];
    expect(key).toBe("m_test");
    expect(alert).toMatchObject({
      alert_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      schema_version: 1,
      transaction_id: tx.transaction_id,
      merchant_id: "m_test",
      score: scored.score,
      decision: scored.decision,
      risk_level: scored.risk_level,
      reasons: scored.reasons,
      model: scored.model,
      colo: null,
    });
    expect(Date.parse(alert.scored_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(headers.alert_id).toBe(alert.alert_id);
  });

  it("confluent v3 sink: the same alert through POST /kafka/v3/clusters/<id>/topics/<topic>/records", async () => {
    const topic = freshTopic("confluent");
    const tx = transaction();
    const res = await requestWith(
      {
        ALERT_SINK: "confluent",
        ALERT_TOPIC: topic,
        ALERT_MIN_DECISION: "approve",
        CONFLUENT_REST_URL: kafkaEnv().UPSTASH_KAFKA_REST_URL,
        CONFLUENT_CLUSTER_ID: "lkc-local",
        CONFLUENT_API_KEY: kafkaEnv().UPSTASH_KAFKA_REST_USERNAME,
        CONFLUENT_API_SECRET: kafkaEnv().UPSTASH_KAFKA_REST_PASSWORD,
      },
      "/v1/score",
      postInit(tx),
    );
    expect(res.status).toBe(200);
    const records = await readTopic(topic);
    expect(records.map((r) => [r.key, r.alert.transaction_id, r.headers.alert_id])).toEqual([["m_test", tx.transaction_id, records[0]!.alert.alert_id]]);
  });

  it("only decisions at or above ALERT_MIN_DECISION alert (batch)", async () => {
    const topic = freshTopic("level");
    const txs = Array.from({ length: 6 }, (_, i) => transaction({ amount: 1000 + i * 150_000, channel: i % 2 ? "moto" : "web" }));
    const res = await requestWith({ ...kafkaEnv(), ALERT_TOPIC: topic, ALERT_MIN_DECISION: "review" }, "/v1/score/batch", postInit({ transactions: txs }));
    expect(res.status).toBe(200);
    const { results } = await res.json<{ results: Scored[] }>();
    const expected = results.filter((r) => r.decision !== "approve").map((r) => r.transaction_id);
    const records = await readTopic(topic);
    expect(records.map((r) => r.alert.transaction_id).sort()).toEqual(expected.sort());
  });

  it("ALERT_SINK=none: nothing is produced, the score is unaffected", async () => {
    const topic = freshTopic("none");
    const res = await requestWith({ ...kafkaEnv(), ALERT_SINK: "none", ALERT_TOPIC: topic, ALERT_MIN_DECISION: "approve" }, "/v1/score", postInit(transaction()));
    expect(res.status).toBe(200);
    expect(await readTopic(topic)).toEqual([]);
  });
});
