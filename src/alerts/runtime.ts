import type { RateLimiter } from "../auth/rate-limit/interface";
import type { Config } from "../config";
import type { Decision } from "../schemas/score";
import { emptyAlertStats, type AlertStats } from "./deliver";
import { alertSinkFrom, type SinkChoice } from "./sink/from-config";
import { alertSpillFrom } from "./spill/from-config";
import type { AlertSpill } from "./spill/interface";

/** The alerting side of an isolate's services: its sink (or why there is none), the spill, and what it has seen. */
export interface AlertRuntime {
  choice: SinkChoice;
  spill: AlertSpill;
  minDecision: Decision;
  budgetMs: number;
  stats: AlertStats;
  /** Bounds the alerts of checkout pages' decisions, per merchant (raise.ts). */
  limiter: RateLimiter;
  publishablePerMinute: number;
}

export function alertRuntimeFrom(config: Config, limiter: RateLimiter): AlertRuntime {
  return {
    choice: alertSinkFrom(config),
    spill: alertSpillFrom(config),
    minDecision: config.ALERT_MIN_DECISION,
    budgetMs: config.ALERT_BUDGET_MS,
    stats: emptyAlertStats(),
    limiter,
    publishablePerMinute: config.ALERT_PUBLISHABLE_PER_MINUTE,
  };
}
