import type { Config } from "../config";
import type { Decision } from "../scoring/decide";
import type { ItemOutcome } from "../scoring/score";
import type { StoreItem } from "../store/feature-store";
import { meetsAlertLevel, toAlert, type Alert } from "./alert";
import { deliverAlerts, emptyAlertStats, type AlertStats, type DeliveryOutcome } from "./deliver";
import { alertSinkFrom, alertSpillFrom, type SinkChoice } from "./from-config";
import type { AlertSpill } from "./spill";

/** The alerting side of an isolate's services: its sink (or why there is none), the spill, and what it has seen. */
export interface AlertRuntime {
  choice: SinkChoice;
  spill: AlertSpill | undefined;
  minDecision: Decision;
  budgetMs: number;
  stats: AlertStats;
}

export function alertRuntimeFrom(config: Config): AlertRuntime {
  return {
    choice: alertSinkFrom(config),
    spill: alertSpillFrom(config),
    minDecision: config.ALERT_MIN_DECISION,
    budgetMs: config.ALERT_BUDGET_MS,
    stats: emptyAlertStats(),
  };
}

/** The alerts a scoring run raises: freshly scored items at or above the level (replays were alerted already). */
export function alertsFor(items: StoreItem[], outcomes: ItemOutcome[], minDecision: Decision, scoredAt: number): Promise<Alert[]> {
  return Promise.all(
    outcomes.flatMap((o, i) => {
      if (o.kind !== "scored" || !meetsAlertLevel(o.result.decision, minDecision)) return [];
      const { tx, edge, t } = items[i]!.input;
      return [toAlert(o.result, { merchantId: tx.merchant.id, eventTime: t, colo: edge.colo, scoredAt })];
    }),
  );
}

/**
 * Builds and delivers a run's alerts; meant for `waitUntil`. Resolves with the outcome, never rejects. With a
 * sink that is configured but broken (e.g. half its credentials), alerts go straight to the spill, and the
 * scheduled replay sends them once the configuration is fixed: a configuration mistake loses no alert.
 */
export async function raiseAlerts(runtime: AlertRuntime, items: StoreItem[], outcomes: ItemOutcome[]): Promise<DeliveryOutcome | undefined> {
  if (runtime.choice.kind === "none") return undefined;
  try {
    const alerts = await alertsFor(items, outcomes, runtime.minDecision, Date.now());
    if (alerts.length === 0) return undefined;
    if (runtime.choice.kind === "misconfigured") {
      console.warn(`alerts: sink misconfigured (${runtime.choice.detail}); spilling ${alerts.length} alert(s) for replay`);
      await runtime.spill?.spill(alerts);
      return undefined;
    }
    return await deliverAlerts(alerts, { sink: runtime.choice.sink, spill: runtime.spill, budgetMs: runtime.budgetMs, stats: runtime.stats });
  } catch (e) {
    console.error("alerts: could not build or deliver alerts", e);
    return undefined;
  }
}
