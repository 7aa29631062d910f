import type { AlertRuntime } from "../alerts/runtime";
import type { AnalyticsWriter } from "../analytics/writer/interface";
import type { FraudModel } from "../model/fraud-model";
import type { PolicyViews } from "../policy";
import type { FeatureStore } from "../store/interface";

/** The backends a decision uses. The app builds them once per isolate (src/app.ts); any entry point passes them in. */
export interface PipelineDeps {
  /** The model, loaded once per isolate. */
  model: () => Promise<FraudModel>;
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
