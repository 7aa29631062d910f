import { describe, expect, it } from "vitest";
import cardJson from "../../models/fraud-gbdt.card.json";
import { SnapshotSchema } from "../../src/analytics/snapshot";
import { ModelCardSchema } from "../../src/model/card";
import { binCounts, buildSnapshot, statsFrom } from "../../workers/metrics-exporter/src/build-snapshot";
import type { QueryResults } from "../../workers/metrics-exporter/src/queries";

const card = ModelCardSchema.parse(cardJson);
const bins = card.baselines.score.edges.length + 1;
const alerts = { spill_backlog: 3, oldest_spilled_at: "2026-01-01T00:00:00.000Z", replayed: 7, replay_error: null };
const source = { queries: 9, rows: 40, truncated: false, ms: 12 };

function results(over: Partial<QueryResults> = {}): QueryResults {
  return {
    trafficGlobal: [
      { decision: "approve", n: 90, amount_usd: 900 },
      { decision: "decline", n: 10, amount_usd: 50 },
      { decision: "error", n: 5, amount_usd: 0 },
    ],
    trafficMerchants: [
      { merchant: "m_a", decision: "approve", n: 60, amount_usd: 600 },
      { merchant: "m_b", decision: "decline", n: 10, amount_usd: 50 },
    ],
    latencyGlobal: [{ bin: 10, n: 100 }],
    latencyMerchants: [{ merchant: "m_a", bin: 10, n: 60 }],
    scoreGlobal: [
      { bin: 0, n: 60, score_sum: 1.2 },
      { bin: bins - 1, n: 40, score_sum: 38 },
    ],
    scoreMerchants: [{ merchant: "m_b", bin: bins - 1, n: 10, score_sum: 9.5 }],
    features: {},
    models: [],
    shadows: [],
    ...over,
  };
}

describe("buildSnapshot", () => {
  it("reports the deciding models by role, and each shadow against the models that decided the same rows", () => {
    const s = buildSnapshot({
      now: Date.parse("2026-11-21T10:00:00Z"),
      windows: { trafficMinutes: 5, driftMinutes: 60 },
      card,
      results: results({
        models: [
          { version: "1.0.0+live", role: "live", n: 90, score_sum: 9 },
          { version: "1.0.0+chal", role: "challenger", n: 10, score_sum: 2 },
        ],
        // The same shadow in slot 1 for some rows and slot 2 for others: one entry.
        shadows: [
          { version: "1.0.0+shadow", n: 60, shadow_sum: 12, score_sum: 6 },
          { version: "1.0.0+shadow", n: 20, shadow_sum: 4, score_sum: 2 },
        ],
      }),
      alerts,
      source,
    });
    expect(SnapshotSchema.parse(s)).toEqual(s);
    expect(s.models).toEqual([
      { version: "1.0.0+live", role: "live", decisions: 90, mean_score: 0.1 },
      { version: "1.0.0+chal", role: "challenger", decisions: 10, mean_score: 0.2 },
    ]);
    expect(s.shadows).toEqual([{ version: "1.0.0+shadow", samples: 80, mean_score: 0.2, decided_mean_score: 0.1 }]);
  });

  it("turns query rows into a valid snapshot with global and per-merchant figures", () => {
    const s = buildSnapshot({ now: Date.parse("2026-11-21T10:00:00Z"), windows: { trafficMinutes: 5, driftMinutes: 60 }, card, results: results(), alerts, source });
    expect(SnapshotSchema.parse(s)).toEqual(s);
    expect(s.generated_at).toBe("2026-11-21T10:00:00.000Z");
    expect(s.global.requests).toBe(105);
    expect(s.global.request_rate_per_s).toBeCloseTo(105 / 300, 12);
    expect(s.global.decisions).toEqual({ approve: 90, review: 0, decline: 10, error: 5 });
    expect(s.global.decision_rates).toEqual({ approve: 0.9, review: 0, decline: 0.1 });
    expect(s.global.error_rate).toBeCloseTo(5 / 105, 12);
    expect(s.global.amount_usd).toBe(950);
    expect(s.global.score.samples).toBe(100);
    expect(s.global.score.mean).toBeCloseTo(0.392, 12);
    expect(s.global.score.proportions[0]).toBeCloseTo(0.6, 12);
    expect(Object.keys(s.merchants).sort()).toEqual(["m_a", "m_b"]);
    expect(s.merchants.m_a!.latency_ms.p50).not.toBeNull();
    expect(s.merchants.m_b!.score.mean).toBeCloseTo(0.95, 12);
    expect(s.merchants.m_b!.latency_ms).toEqual({ p50: null, p95: null, p99: null });
    expect(s.alerts).toEqual(alerts);
    expect(s.source).toEqual(source);
  });

  it("answers null rates rather than 0 when there is nothing to divide", () => {
    const st = statsFrom([{ decision: "error", n: 4, amount_usd: 0 }], [], [], 5, card);
    expect(st.decision_rates).toEqual({ approve: null, review: null, decline: null });
    expect(st.error_rate).toBe(1);
    expect(st.score).toMatchObject({ samples: 0, mean: null, psi: null });
    expect(statsFrom([], [], [], 5, card).error_rate).toBeNull();
  });

  it("refuses a bin the edges cannot have (query and card out of step)", () => {
    expect(() => binCounts([{ bin: 9, n: 1 }], 3)).toThrow(/outside/);
  });
});
