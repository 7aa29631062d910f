import type { AlertRuntime } from "../alerts/runtime";
import type { ObservationLog } from "../analytics/observations";
import type { AnalyticsWriter } from "../analytics/writer/interface";
import type { FraudModel } from "../model/fraud-model";
import type { ModelPool } from "../model/pool";
import type { RoutingView } from "../model/routing-view";
import type { PolicyViews } from "../policy";
import type { FeatureStore } from "../store/interface";
import type { TransactionStore } from "../store/transactions/interface";

/** The backends a decision uses. The app builds them once per isolate (src/app.ts); any entry point passes them in. */
export interface PipelineDeps {
  /** The live model as this isolate knows it (the bundled one until the routing names another it holds). */
  model: () => Promise<FraudModel>;
  /** The models this isolate holds: the bundled one and the routed versions, loaded from the registry (docs/models.md). */
  models: ModelPool;
  /** The model routing, refreshed by each score's round trip. */
  routing: RoutingView;
  /** What is kept of each scored transaction for its labels and the review queue (docs/feedback.md). */
  transactions: TransactionStore;
  /** Recent decisions with their shadow scores, for the A/B report (src/analytics/observations.ts). */
  observations: ObservationLog;
  store: FeatureStore;
  /** High-risk decisions → Kafka, with the Redis spill (docs/alerts.md). */
  alerts: AlertRuntime;
  /** Decision data points → Workers Analytics Engine (docs/metrics.md). */
  analytics: AnalyticsWriter;
  /** The merchants' policy versions and ranges this isolate holds (refreshed by each score's round trip). */
  policyViews: PolicyViews;
  /** Failures this isolate has absorbed (the answer was degraded, not failed), for /health. */
  counters: { storeErrors: number; ruleErrors: number };
}
