import { FEATURES } from "../features";

/**
 * The layout of a decision data point in Workers Analytics Engine — written by the scoring Worker
 * (decision-points.ts), read by the metrics exporter (workers/metrics-exporter) and the Grafana dashboard
 * (docs/dashboards). AE columns are positional; this is the one place that names them. Append, never reorder:
 * stored rows keep the meaning they were written with.
 */
export const AE_DATASET = "fraud_decisions";

export const BLOBS = [
  "decision",
  "model_version",
  "colo",
  "country",
  "channel",
  "degraded",
  /** Why the deciding model decided: live, challenger, pinned, fallback (src/schemas/score.ts). */
  "model_role",
  /** The shadow models that scored the same row after the answer ("" when none); their scores are shadowN_score. */
  "shadow1_version",
  "shadow2_version",
] as const;
export type BlobName = (typeof BLOBS)[number];

/**
 * Features worth watching for drift that the edge can compute from the request alone (behavioural ones need
 * the feature store's state, which the response path does not keep). Each has a training histogram in the card.
 */
export const KEY_FEATURES = ["amount_usd_log", "account_age_days_log", "local_hour", "card_ip_country_mismatch", "email_domain_risk"] as const;
export type KeyFeature = (typeof KEY_FEATURES)[number];

export const DOUBLES = [
  "score",
  "latency_ms",
  "amount_usd",
  /** Transactions this point stands for: 1, or more when a batch was aggregated to fit AE's per-invocation limit. */
  "weight",
  /** 1 when the key features below are this transaction's own values; 0 on aggregated points (no single value). */
  "features_recorded",
  ...KEY_FEATURES,
  /** The shadows' scores of the same row (mean on aggregated points, whose shadow versions are one per point); 0 when none. */
  "shadow1_score",
  "shadow2_score",
] as const;
export type DoubleName = (typeof DOUBLES)[number];

/** The SQL column holding a named blob or double, e.g. `column("score")` → "double1". */
export function column(name: BlobName | DoubleName | "merchant"): string {
  if (name === "merchant") return "index1";
  const b = (BLOBS as readonly string[]).indexOf(name);
  if (b >= 0) return `blob${b + 1}`;
  return `double${(DOUBLES as readonly string[]).indexOf(name) + 1}`;
}

/** AE accepts at most this many `writeDataPoint` calls per Worker invocation. */
export const MAX_POINTS_PER_INVOCATION = 25;

/** Value of the `decision` blob for a request that failed (5xx) instead of being scored. */
export const ERROR_DECISION = "error";

/** Latency histogram edges (ms) for quantiles: geometric, ~12 % apart, 0.5 ms to 30 s. */
export const LATENCY_EDGES_MS: readonly number[] = Array.from({ length: 97 }, (_, i) => Math.round(0.5 * 1.12 ** i * 1000) / 1000);

for (const f of KEY_FEATURES) {
  const info = FEATURES.find((x) => x.name === f);
  if (!info || info.group === "behaviour") throw new Error(`analytics: key feature ${f} must be a non-behavioural feature`);
}
