import type { SpillBacklog } from "../alerts/spill/interface";
import { DECISION_KEYS, type Snapshot, type Stats } from "./snapshot";

/**
 * The snapshot in the Prometheus text exposition format (0.0.4). Series for the whole service carry
 * `merchant="__all__"`; per-merchant series exist for the busiest `merchantLimit` merchants only, which bounds
 * the label cardinality a scrape can create. Everything is a gauge: the exporter already turned counts into
 * rates over its window, so `rate()` is not needed (nor meaningful) on these.
 */
export const ALL_MERCHANTS = "__all__";

export interface LiveState {
  now: number;
  /** The spill as read at scrape time; undefined when it could not be read. */
  backlog: SpillBacklog | undefined;
}

export function renderPrometheus(snapshot: Snapshot | undefined, live: LiveState, merchantLimit = 50): string {
  const out = new Exposition();
  if (live.backlog) {
    out.gauge("fraud_alert_spill_backlog", "Alerts waiting in the Redis spill for replay to Kafka", [[{}, live.backlog.count]]);
    out.gauge("fraud_alert_spill_oldest_age_seconds", "Age of the oldest spilled alert (0 when none)", [
      [{}, live.backlog.oldestAt === null ? 0 : Math.max(0, (live.now - live.backlog.oldestAt) / 1000)],
    ]);
  }
  out.gauge("fraud_metrics_snapshot_present", "1 when the exporter's snapshot was found in Redis", [[{}, snapshot ? 1 : 0]]);
  if (!snapshot) return out.text();

  const generated = Date.parse(snapshot.generated_at);
  out.gauge("fraud_metrics_snapshot_timestamp_seconds", "When the exporter computed the snapshot", [[{}, generated / 1000]]);
  out.gauge("fraud_metrics_snapshot_age_seconds", "Seconds since the snapshot was computed", [[{}, Math.max(0, (live.now - generated) / 1000)]]);
  out.gauge("fraud_metrics_window_seconds", "Length of the window each family is computed over", [
    [{ window: "traffic" }, snapshot.windows.traffic_minutes * 60],
    [{ window: "drift" }, snapshot.windows.drift_minutes * 60],
  ]);
  out.gauge("fraud_model_info", "The model the drift baseline comes from", [[{ model_id: snapshot.model.id, model_version: snapshot.model.version }, 1]]);

  const scopes: [string, Stats][] = [
    [ALL_MERCHANTS, snapshot.global],
    ...Object.entries(snapshot.merchants)
      .sort(([, a], [, b]) => b.requests - a.requests)
      .slice(0, merchantLimit),
  ];
  const each = (f: (s: Stats) => number | null) => scopes.map(([merchant, s]): Sample => [{ merchant }, f(s)]);

  out.gauge("fraud_requests", "Score requests in the traffic window (scored + failed)", each((s) => s.requests));
  out.gauge("fraud_requests_per_second", "Score requests per second over the traffic window", each((s) => s.request_rate_per_s));
  out.gauge(
    "fraud_decisions",
    "Decisions in the traffic window (decision=error: failed requests)",
    scopes.flatMap(([merchant, s]) => (["approve", "review", "decline", "error"] as const).map((d): Sample => [{ merchant, decision: d }, s.decisions[d]])),
  );
  out.gauge(
    "fraud_decision_rate",
    "Share of scored transactions per decision over the traffic window",
    scopes.flatMap(([merchant, s]) => DECISION_KEYS.map((d): Sample => [{ merchant, decision: d }, s.decision_rates[d]])),
  );
  out.gauge("fraud_error_rate", "Share of score requests that failed (5xx) over the traffic window", each((s) => s.error_rate));
  out.gauge(
    "fraud_latency_ms",
    "Score latency quantiles (ms, measured in the Worker) over the traffic window",
    scopes.flatMap(([merchant, s]) => [
      [{ merchant, quantile: "0.5" }, s.latency_ms.p50] as Sample,
      [{ merchant, quantile: "0.95" }, s.latency_ms.p95] as Sample,
      [{ merchant, quantile: "0.99" }, s.latency_ms.p99] as Sample,
    ]),
  );
  out.gauge("fraud_amount_usd", "Amount scored in the traffic window (USD)", each((s) => s.amount_usd));
  out.gauge("fraud_score_samples", "Scored transactions in the drift window", each((s) => s.score.samples));
  out.gauge("fraud_score_mean", "Mean fraud score over the drift window", each((s) => s.score.mean));
  out.gauge("fraud_score_psi", "PSI of the score distribution against the model card's training baseline", each((s) => s.score.psi));
  const g = snapshot.global.score;
  let cumulative = 0;
  out.gauge(
    "fraud_score_distribution",
    "Cumulative share of scores <= le over the drift window (the model card's bins)",
    g.proportions.map((p, i): Sample => {
      cumulative += p;
      return [{ merchant: ALL_MERCHANTS, le: i < g.edges.length ? String(g.edges[i]) : "+Inf" }, g.samples > 0 ? cumulative : null];
    }),
  );
  out.gauge(
    "fraud_feature_psi",
    "PSI of a key feature against the model card's training baseline (drift window)",
    Object.entries(snapshot.features).map(([feature, f]): Sample => [{ feature }, f.psi]),
  );
  out.gauge(
    "fraud_feature_samples",
    "Transactions whose key features were recorded in the drift window",
    Object.entries(snapshot.features).map(([feature, f]): Sample => [{ feature }, f.samples]),
  );
  out.gauge("fraud_alerts_replayed", "Alerts the exporter replayed from the spill in its last run", [[{}, snapshot.alerts.replayed]]);
  return out.text();
}

type Sample = [Record<string, string>, number | null];

class Exposition {
  private readonly lines: string[] = [];

  /** Samples whose value is null (e.g. a rate with nothing to divide) are left out, as Prometheus expects. */
  gauge(name: string, help: string, samples: Sample[]): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      if (value === null || !Number.isFinite(value)) continue;
      const l = Object.entries(labels);
      this.lines.push(`${name}${l.length ? `{${l.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : ""} ${formatValue(value)}`);
    }
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e9) / 1e9);
}
