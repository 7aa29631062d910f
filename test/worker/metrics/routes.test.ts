import { env } from "cloudflare:test";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import cardJson from "../../../models/fraud-gbdt.card.json";
import { RedisAlertSpill } from "../../../src/alerts/spill/redis";
import { toAlert } from "../../../src/alerts/alert";
import { SNAPSHOT_KEY, emptyStats, type Snapshot } from "../../../src/analytics/snapshot";
import { RedisSnapshotStore } from "../../../src/analytics/snapshots/redis";
import { ModelCardSchema } from "../../../src/model/card";
import { TEST_SECRET_KEY } from "../auth/keys";
import { appWith } from "../alerts/kafka";
import { bearer, scoreResult } from "../helpers";

/** GET /metrics and GET /v1/stats over a snapshot written where the exporter writes it. */
const card = ModelCardSchema.parse(cardJson);
const redisOpts = { url: env.UPSTASH_REDIS_REST_URL!, token: env.UPSTASH_REDIS_REST_TOKEN! };
const METRICS_TOKEN = "metrics-token-for-metrics-tests-0123";
const request = appWith({ METRICS_TOKEN });
/** /metrics takes the operator's METRICS_TOKEN; /v1/stats the merchant's API key (m_test's here). */
const get = (path: string) => request(path, { headers: bearer(path.startsWith("/metrics") ? METRICS_TOKEN : TEST_SECRET_KEY) });

function snapshot(): Snapshot {
  const edges = card.baselines.score.edges;
  const m = (requests: number) => ({
    ...emptyStats(edges),
    requests,
    request_rate_per_s: requests / 300,
    decisions: { approve: requests - 2, review: 1, decline: 1, error: 0 },
    decision_rates: { approve: (requests - 2) / requests, review: 1 / requests, decline: 1 / requests },
    error_rate: 0,
    latency_ms: { p50: 3.2, p95: 9.5, p99: 14 },
  });
  const global = { ...m(120), score: { samples: 300, mean: 0.08, edges, proportions: edges.map(() => 0).concat(1), psi: 0.31 } };
  return {
    version: 1,
    generated_at: new Date(Date.now() - 30_000).toISOString(),
    windows: { traffic_minutes: 5, drift_minutes: 60 },
    model: { id: card.id, version: card.version },
    global,
    merchants: { m_test: m(100), 'm_"quoted"': m(20) },
    features: { amount_usd_log: { samples: 250, psi: 0.02 } },
    alerts: { spill_backlog: 0, oldest_spilled_at: null, replayed: 4, replay_error: null },
    source: { queries: 9, rows: 50, truncated: false, ms: 20 },
  };
}

describe("metrics routes", () => {
  it("404 / empty exposition before the exporter has written a snapshot", async () => {
    await new Redis(redisOpts).del(SNAPSHOT_KEY);
    expect((await get("/v1/stats")).status).toBe(404);
    const text = await (await get("/metrics")).text();
    expect(text).toContain("fraud_metrics_snapshot_present 0");
  });

  it("GET /metrics: the snapshot and the live spill backlog in the Prometheus text format", async () => {
    await new RedisSnapshotStore(redisOpts).write(snapshot());
    const spill = new RedisAlertSpill(redisOpts);
    const alert = await toAlert(
      scoreResult({ transaction_id: `txn_metrics_${Date.now()}`, score: 0.9, risk_level: "high", decision: "decline", model: { id: "fraud-gbdt", version: "x" } }),
      { decision: `m_test:secret:tx:txn_metrics_${Date.now()}`, merchantId: "m_test", eventTime: Date.now() - 90_000, colo: undefined, scoredAt: Date.now() - 90_000 },
    );
    await spill.spill([alert]);
    try {
      const res = await get("/metrics");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await res.text();
      const line = (prefix: string) => text.split("\n").find((l) => l.startsWith(`${prefix} `))?.slice(prefix.length + 1);
      expect(line('fraud_requests_per_second{merchant="__all__"}')).toBe(String(120 / 300));
      expect(line('fraud_decision_rate{merchant="m_test",decision="decline"}')).toBe("0.01");
      expect(line('fraud_latency_ms{merchant="__all__",quantile="0.99"}')).toBe("14");
      expect(line('fraud_score_psi{merchant="__all__"}')).toBe("0.31");
      expect(line('fraud_feature_psi{feature="amount_usd_log"}')).toBe("0.02");
      expect(line('fraud_requests{merchant="m_\\"quoted\\""}')).toBe("20");
      expect(Number(line("fraud_metrics_snapshot_age_seconds"))).toBeGreaterThanOrEqual(30);
      expect(Number(line("fraud_alert_spill_backlog"))).toBeGreaterThanOrEqual(1);
      expect(Number(line("fraud_alert_spill_oldest_age_seconds"))).toBeGreaterThanOrEqual(89);
      // Every sample line belongs to a family with HELP and TYPE.
      for (const l of text.split("\n").filter((x) => x && !x.startsWith("#"))) {
        const name = l.split(/[{ ]/)[0]!;
        expect(text).toContain(`# TYPE ${name} gauge`);
      }
    } finally {
      await spill.remove([alert.alert_id]);
    }
  });

  it("GET /v1/stats: the key's merchant's figures, with the snapshot's time, windows and model", async () => {
    const s = snapshot();
    await new RedisSnapshotStore(redisOpts).write(s);
    const body = await (await get("/v1/stats")).json<Record<string, unknown>>();
    expect(body).toEqual({ generated_at: s.generated_at, windows: s.windows, model: s.model, merchant: "m_test", stats: s.merchants.m_test });

    delete (s.merchants as Record<string, unknown>).m_test;
    await new RedisSnapshotStore(redisOpts).write(s);
    const unseen = await (await get("/v1/stats")).json<{ stats: { requests: number; decision_rates: unknown } }>();
    expect(unseen.stats.requests).toBe(0);
    expect(unseen.stats.decision_rates).toEqual({ approve: null, review: null, decline: null });
  });
});
