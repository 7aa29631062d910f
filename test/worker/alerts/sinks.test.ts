import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { toAlert, type Alert } from "../../../src/alerts/alert";
import { ConfluentV3Sink } from "../../../src/alerts/sink/confluent-v3";
import { deliverAlerts, emptyAlertStats } from "../../../src/alerts/deliver";
import type { AlertSink } from "../../../src/alerts/sink/interface";
import { RedisAlertSpill } from "../../../src/alerts/spill/redis";
import { NotConfiguredAlertSpill } from "../../../src/alerts/spill/not-configured";
import { UpstashKafkaSink } from "../../../src/alerts/sink/upstash-kafka";
import { scoreResult } from "../helpers";
import { freshTopic, readTopic, setKafkaDown } from "./kafka";

let n = 0;
async function anAlert(scoredAt = Date.now()): Promise<Alert> {
  n++;
  return toAlert(
    scoreResult({
      transaction_id: `txn_sink_${Date.now().toString(36)}_${n}`,
      score: 0.91,
      risk_level: "high",
      decision: "decline",
      reasons: [{ code: "card_velocity", feature: "card_count_1h", value: 7, impact: 0.3 }],
      timings: { total_ms: 3, model_ms: 1 },
    }),
    { decision: `m_sink:secret:tx:txn_sink_${n}`, merchantId: "m_sink", eventTime: scoredAt, colo: "AMS", scoredAt },
  );
}

const sinks: Record<string, (topic: string) => AlertSink> = {
  upstash: (topic) => new UpstashKafkaSink({ url: inject("kafkaRestUrl"), username: inject("kafkaRestUsername"), password: inject("kafkaRestPassword"), topic }),
  confluent: (topic) =>
    new ConfluentV3Sink({ url: inject("kafkaRestUrl"), clusterId: "lkc-local", apiKey: inject("kafkaRestUsername"), apiSecret: inject("kafkaRestPassword"), topic }),
};

const stats = async () => (await fetch(`${inject("kafkaRestUrl")}/__stats`)).json<{ produced: number; rejected: number }>();

describe.each(Object.keys(sinks))("%s sink", (kind) => {
  afterEach(() => setKafkaDown(false));

  it("produces a batch in order, keyed by merchant, and answers ping", async () => {
    const topic = freshTopic(kind);
    const sink = sinks[kind]!(topic);
    const alerts = [await anAlert(), await anAlert(), await anAlert()];
    await sink.produce(alerts, AbortSignal.timeout(5_000));
    const got = await readTopic(topic);
    // Confluent v3 is one request per record, sent concurrently: compare as sets there.
    const ids = got.map((r) => r.alert.alert_id);
    expect(kind === "upstash" ? ids : [...ids].sort()).toEqual(kind === "upstash" ? alerts.map((a) => a.alert_id) : alerts.map((a) => a.alert_id).sort());
    expect(got.every((r) => r.key === "m_sink")).toBe(true);
    expect(await sink.ping(1_000)).toMatchObject({ status: "ok" });
  });

  it("retries with backoff: an outage shorter than the budget costs nothing", async () => {
    const topic = freshTopic(`${kind}-blip`);
    const sink = sinks[kind]!(topic);
    const alert = await anAlert();
    await setKafkaDown(true);
    const rejectedBefore = (await stats()).rejected;
    const pending = sink.produce([alert], AbortSignal.timeout(8_000));
    await new Promise((r) => setTimeout(r, 700));
    await setKafkaDown(false);
    await pending;
    expect((await stats()).rejected).toBeGreaterThan(rejectedBefore);
    expect((await readTopic(topic)).map((r) => r.alert.alert_id)).toEqual([alert.alert_id]);
  });

  it("gives up when the budget is spent, and deliverAlerts spills within it", async () => {
    const topic = freshTopic(`${kind}-down`);
    const sink = sinks[kind]!(topic);
    const spill = new RedisAlertSpill({ url: env.UPSTASH_REDIS_REST_URL!, token: env.UPSTASH_REDIS_REST_TOKEN! });
    const alert = await anAlert();
    await setKafkaDown(true);
    const started = Date.now();
    const s = emptyAlertStats();
    const outcome = await deliverAlerts([alert], { sink, spill, budgetMs: 600, stats: s });
    const took = Date.now() - started;
    expect(outcome).toMatchObject({ kind: "spilled", count: 1, error: { code: "timeout" } });
    expect(took).toBeGreaterThanOrEqual(600);
    // Nowhere near @upstash/kafka's own 15 s retry schedule.
    expect(took).toBeLessThan(7_500);
    expect(s).toMatchObject({ delivered: 0, spilled: 1, lost: 0 });
    expect((await spill.oldest(1000)).map((a) => a.alert_id)).toContain(alert.alert_id);
    await spill.remove([alert.alert_id]);
  });

  it("with no spill either, the alert is reported lost (and logged in full)", async () => {
    const sink = sinks[kind]!(freshTopic(`${kind}-lost`));
    await setKafkaDown(true);
    const s = emptyAlertStats();
    const outcome = await deliverAlerts([await anAlert()], { sink, spill: new NotConfiguredAlertSpill(), budgetMs: 300, stats: s });
    expect(outcome.kind).toBe("lost");
    expect(s.lost).toBe(1);
  });
});

describe("sink errors", () => {
  it("wrong credentials are not retried by the Confluent sink (401 → unauthorized at once)", async () => {
    const sink = new ConfluentV3Sink({ url: inject("kafkaRestUrl"), clusterId: "c", apiKey: "nobody", apiSecret: "wrong", topic: freshTopic("auth") });
    const started = Date.now();
    await expect(sink.produce([await anAlert()], AbortSignal.timeout(5_000))).rejects.toMatchObject({ code: "unauthorized", status: 401 });
    // Retried, it would run until the 5 s signal aborts.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await sink.ping(1_000)).toMatchObject({ status: "down" });
  });
});

describe("the Redis spill", () => {
  const spill = () => new RedisAlertSpill({ url: env.UPSTASH_REDIS_REST_URL!, token: env.UPSTASH_REDIS_REST_TOKEN! });

  it("keeps one copy per alert id, oldest first, and removes only what it is told", async () => {
    const s = spill();
    const old = await anAlert(Date.now() - 60_000);
    const recent = await anAlert(Date.now() - 1_000);
    await s.spill([recent]);
    await s.spill([old, recent]);
    const queued = (await s.oldest(1000)).filter((a) => a.merchant_id === "m_sink");
    expect(queued.map((a) => a.alert_id)).toEqual([old.alert_id, recent.alert_id]);
    expect(queued[0]).toEqual(old);
    await s.remove([old.alert_id]);
    expect((await s.oldest(1000)).map((a) => a.alert_id)).not.toContain(old.alert_id);
    await s.remove([recent.alert_id]);
  });

  it("lets one replay at a time hold the lease", async () => {
    const s = spill();
    const first = await s.lease(5_000);
    expect(first).not.toBeNull();
    expect(await s.lease(5_000)).toBeNull();
    await first!.release();
    const again = await s.lease(5_000);
    expect(again).not.toBeNull();
    await again!.release();
  });
});
