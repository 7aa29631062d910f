import { LATENCY_EDGES_MS, SNAPSHOT_VERSION, type ModelCard, type Snapshot, type Stats } from "../../../src/shared";
import { psi } from "./psi";
import type { BinRow, QueryResults, QuerySource, ScoreBinRow, TrafficRow } from "./queries";
import { weightedQuantile } from "./quantile";

export interface SnapshotInput {
  now: number;
  windows: { trafficMinutes: number; driftMinutes: number };
  card: ModelCard;
  results: QueryResults;
  alerts: Snapshot["alerts"];
  source: QuerySource;
}

/** The snapshot from the query results: global figures, per-merchant figures, key-feature drift. */
export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { results: r, card, windows } = input;
  const merchants = [...new Set(r.trafficMerchants.map((row) => row.merchant))];
  const of = <T extends { merchant: string }>(rows: T[], m: string) => rows.filter((row) => row.merchant === m);
  return {
    version: SNAPSHOT_VERSION,
    generated_at: new Date(input.now).toISOString(),
    windows: { traffic_minutes: windows.trafficMinutes, drift_minutes: windows.driftMinutes },
    model: { id: card.id, version: card.version },
    global: statsFrom(r.trafficGlobal, r.latencyGlobal, r.scoreGlobal, windows.trafficMinutes, card),
    merchants: Object.fromEntries(
      merchants.map((m) => [m, statsFrom(of(r.trafficMerchants, m), of(r.latencyMerchants, m), of(r.scoreMerchants, m), windows.trafficMinutes, card)]),
    ),
    features: Object.fromEntries(
      Object.entries(r.features).map(([name, rows]) => {
        const baseline = card.baselines.features[name]!;
        const counts = binCounts(rows, baseline.edges.length + 1);
        return [name, { samples: sum(counts), psi: psi(baseline.proportions, counts) }];
      }),
    ),
    models: r.models
      .map((m) => ({ version: m.version, role: m.role || "live", decisions: m.n, mean_score: m.n > 0 ? m.score_sum / m.n : null }))
      .sort((a, b) => b.decisions - a.decisions),
    // A version may sit in either slot (the routing lists shadows in order): one entry per version.
    shadows: [...new Set(r.shadows.map((x) => x.version))].map((version) => {
      const rows = r.shadows.filter((x) => x.version === version);
      const n = sum(rows.map((x) => x.n));
      return { version, samples: n, mean_score: n > 0 ? sum(rows.map((x) => x.shadow_sum)) / n : null, decided_mean_score: n > 0 ? sum(rows.map((x) => x.score_sum)) / n : null };
    }),
    alerts: input.alerts,
    source: input.source,
  };
}

/** One scope's figures (the whole service, or one merchant) from its rows. */
export function statsFrom(traffic: readonly TrafficRow[], latency: readonly BinRow[], score: readonly ScoreBinRow[], trafficMinutes: number, card: ModelCard): Stats {
  const count = (d: string) => sum(traffic.filter((t) => t.decision === d).map((t) => t.n));
  const decisions = { approve: count("approve"), review: count("review"), decline: count("decline"), error: count("error") };
  const requests = sum(traffic.map((t) => t.n));
  const scored = decisions.approve + decisions.review + decisions.decline;
  const share = (n: number, of: number) => (of > 0 ? n / of : null);

  const latencyWeights = binCounts(latency, LATENCY_EDGES_MS.length + 1);
  const { edges, proportions: baseline } = card.baselines.score;
  const scoreCounts = binCounts(score, edges.length + 1);
  const samples = sum(scoreCounts);
  return {
    requests,
    request_rate_per_s: requests / (trafficMinutes * 60),
    decisions,
    decision_rates: { approve: share(decisions.approve, scored), review: share(decisions.review, scored), decline: share(decisions.decline, scored) },
    error_rate: share(decisions.error, requests),
    amount_usd: sum(traffic.map((t) => t.amount_usd)),
    latency_ms: {
      p50: weightedQuantile(LATENCY_EDGES_MS, latencyWeights, 0.5),
      p95: weightedQuantile(LATENCY_EDGES_MS, latencyWeights, 0.95),
      p99: weightedQuantile(LATENCY_EDGES_MS, latencyWeights, 0.99),
    },
    score: {
      samples,
      mean: share(sum(score.map((s) => s.score_sum)), samples),
      edges: [...edges],
      proportions: scoreCounts.map((c) => (samples > 0 ? c / samples : 0)),
      psi: psi(baseline, scoreCounts),
    },
  };
}

/** Rows of (bin, n) → a dense array of `bins` weights; a bin index out of range means mismatched edges. */
export function binCounts(rows: readonly BinRow[], bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const r of rows) {
    if (r.bin < 0 || r.bin >= bins) throw new Error(`bin ${r.bin} outside 0..${bins - 1}: the query and the edges disagree`);
    counts[r.bin]! += r.n;
  }
  return counts;
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
