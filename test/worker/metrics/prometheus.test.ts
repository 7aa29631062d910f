import { describe, expect, it } from "vitest";
import { ALL_MERCHANTS, renderPrometheus } from "../../../src/analytics/prometheus";
import { emptyStats, type Snapshot } from "../../../src/analytics/snapshot";

const EDGES = [0.1, 0.5];
function snapshot(merchants: number): Snapshot {
  const stats = (requests: number) => ({ ...emptyStats(EDGES), requests });
  return {
    version: 1,
    generated_at: new Date(1_000_000).toISOString(),
    windows: { traffic_minutes: 5, drift_minutes: 60 },
    model: { id: "fraud-gbdt", version: "v" },
    global: { ...stats(10), score: { samples: 10, mean: 0.2, edges: EDGES, proportions: [0.5, 0.3, 0.2], psi: 0.1 } },
    merchants: Object.fromEntries(Array.from({ length: merchants }, (_, i) => [`m_${i}`, stats(i + 1)])),
    features: {},
    alerts: { spill_backlog: 0, oldest_spilled_at: null, replayed: 0, replay_error: null },
    source: { queries: 1, rows: 1, truncated: false, ms: 1 },
  };
}

const lines = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe("renderPrometheus", () => {
  it("labels only the busiest merchants, plus the global series", () => {
    const text = renderPrometheus(snapshot(80), { now: 2_000_000, backlog: undefined }, 50);
    const series = lines(text, "fraud_requests");
    expect(series).toHaveLength(51);
    expect(series[0]).toBe(`fraud_requests{merchant="${ALL_MERCHANTS}"} 10`);
    expect(series).toContain('fraud_requests{merchant="m_79"} 80');
    expect(series.some((l) => l.includes('"m_0"'))).toBe(false);
  });

  it("leaves out samples with no value (a rate over nothing) instead of writing NaN", () => {
    const text = renderPrometheus(snapshot(1), { now: 2_000_000, backlog: undefined });
    expect(lines(text, "fraud_decision_rate")).toEqual([]);
    expect(lines(text, "fraud_latency_ms")).toEqual([]);
    expect(text).not.toMatch(/NaN|null|undefined/);
  });

  it("exports the score distribution cumulatively, ending at 1 for +Inf, and the snapshot's age", () => {
    const text = renderPrometheus(snapshot(0), { now: 61_000_000 / 60, backlog: { count: 3, oldestAt: 0 } });
    expect(lines(text, "fraud_score_distribution")).toEqual([
      'fraud_score_distribution{merchant="__all__",le="0.1"} 0.5',
      'fraud_score_distribution{merchant="__all__",le="0.5"} 0.8',
      'fraud_score_distribution{merchant="__all__",le="+Inf"} 1',
    ]);
    expect(lines(text, "fraud_alert_spill_backlog")).toEqual(["fraud_alert_spill_backlog 3"]);
    expect(Number(lines(text, "fraud_metrics_snapshot_age_seconds")[0]!.split(" ")[1])).toBeCloseTo((61_000_000 / 60 - 1_000_000) / 1000, 6);
  });

  it("without a snapshot says so, and still exports the live backlog", () => {
    const text = renderPrometheus(undefined, { now: 5_000, backlog: { count: 0, oldestAt: null } });
    expect(lines(text, "fraud_metrics_snapshot_present")).toEqual(["fraud_metrics_snapshot_present 0"]);
    expect(lines(text, "fraud_alert_spill_oldest_age_seconds")).toEqual(["fraud_alert_spill_oldest_age_seconds 0"]);
  });
});
