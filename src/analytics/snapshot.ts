import { z } from "@hono/zod-openapi";

/**
 * The metrics snapshot: computed every minute by the exporter Worker (workers/metrics-exporter) from Analytics
 * Engine, stored in Redis, served by the scoring Worker at GET /metrics (Prometheus) and GET /v1/stats (JSON).
 * Counts are estimates of transactions (AE's `_sample_interval` and the batch `weight` applied).
 */
export const SNAPSHOT_VERSION = 1;

const QuantilesSchema = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() });

export const DECISION_KEYS = ["approve", "review", "decline"] as const;

export const StatsSchema = z
  .object({
    requests: z.number().openapi({ description: "Score requests in the traffic window (scored + failed)" }),
    request_rate_per_s: z.number(),
    decisions: z.object({ approve: z.number(), review: z.number(), decline: z.number(), error: z.number() }),
    decision_rates: z
      .object({ approve: z.number().nullable(), review: z.number().nullable(), decline: z.number().nullable() })
      .openapi({ description: "Share of scored transactions per decision (null: none scored)" }),
    error_rate: z.number().nullable().openapi({ description: "Failed (5xx) share of score requests" }),
    amount_usd: z.number(),
    latency_ms: QuantilesSchema,
    score: z.object({
      samples: z.number().openapi({ description: "Scored transactions in the drift window" }),
      mean: z.number().nullable(),
      edges: z.array(z.number()).openapi({ description: "The model card's score histogram edges (src/model/card.ts convention)" }),
      proportions: z.array(z.number()),
      psi: z.number().nullable().openapi({ description: "Population stability index against the card's training baseline" }),
    }),
  })
  .openapi("TrafficStats");
export type Stats = z.infer<typeof StatsSchema>;

export const SnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  generated_at: z.string(),
  windows: z.object({ traffic_minutes: z.number(), drift_minutes: z.number() }),
  model: z.object({ id: z.string(), version: z.string() }),
  global: StatsSchema,
  /** The busiest merchants of the traffic window (at most the exporter's MAX_MERCHANTS). */
  merchants: z.record(z.string(), StatsSchema),
  features: z.record(z.string(), z.object({ samples: z.number(), psi: z.number().nullable() })),
  /** Which model versions decided in the drift window, in which role (live, challenger, a pin, fallback). */
  models: z.array(z.object({ version: z.string(), role: z.string(), decisions: z.number(), mean_score: z.number().nullable() })).optional(),
  /**
   * The shadow comparison: per shadow version, the decisions it also scored after the answer in the drift window,
   * its mean score and the mean score of the models that decided the same rows (docs/models.md).
   */
  shadows: z.array(z.object({ version: z.string(), samples: z.number(), mean_score: z.number().nullable(), decided_mean_score: z.number().nullable() })).optional(),
  alerts: z.object({
    spill_backlog: z.number(),
    oldest_spilled_at: z.string().nullable(),
    replayed: z.number(),
    replay_error: z.string().nullable(),
  }),
  source: z.object({ queries: z.number(), rows: z.number(), truncated: z.boolean(), ms: z.number() }),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const SNAPSHOT_KEY = "metrics:v1:snapshot";
/** Kept long enough to outlive an exporter outage visibly (its age is exported), not forever. */
export const SNAPSHOT_TTL_S = 24 * 60 * 60;

/** Stats of a merchant (or the whole service) with no traffic in the window. */
export function emptyStats(scoreEdges: readonly number[]): Stats {
  return {
    requests: 0,
    request_rate_per_s: 0,
    decisions: { approve: 0, review: 0, decline: 0, error: 0 },
    decision_rates: { approve: null, review: null, decline: null },
    error_rate: null,
    amount_usd: 0,
    latency_ms: { p50: null, p95: null, p99: null },
    score: { samples: 0, mean: null, edges: [...scoreEdges], proportions: scoreEdges.map(() => 0).concat(0), psi: null },
  };
}
