import type { ItemOutcome } from "../schemas/outcome";
import type { Decision } from "../schemas/score";
import type { StoreItem } from "../store/interface";
import { meetsAlertLevel, toAlert, type Alert } from "./alert";
import { deliverAlerts, type DeliveryOutcome } from "./deliver";
import type { AlertRuntime } from "./runtime";

/** The alerts a scoring run raises: freshly scored items at or above the level (replays were alerted already). */
export function alertsFor(items: readonly StoreItem[], outcomes: readonly ItemOutcome[], minDecision: Decision, scoredAt: number): Promise<Alert[]> {
  return Promise.all(
    outcomes.flatMap((o, i) => {
      if (o.kind !== "scored" || !meetsAlertLevel(o.result.decision, minDecision)) return [];
      const item = items[i]!;
      const { tx, edge, t, claimedAt } = item.input;
      // The decision is this attempt: its scope and its own reservation (a retry after a release, or the same id
      // scored again after 24 h, is another decision with another id).
      return [toAlert(o.result, { decision: `${item.idempotencyKey}\u0000${item.reservation}`, source: item.source, merchantId: tx.merchant.id, eventTime: claimedAt ?? t, colo: edge.colo, scoredAt })];
    }),
  );
}

/**
 * A checkout page's key is public: anyone can make it score, so its decisions' alerts are bounded per merchant
 * (ALERT_PUBLISHABLE_PER_MINUTE, through the rate limiter) — a page cannot flood the topic. What is held back is
 * counted (/health `suppressed`) and logged; the server's own decisions are never held back. When the limit
 * cannot be checked the alerts go out: an alert is worth more than the bound.
 */
async function withinPublishableBudget(runtime: AlertRuntime, alerts: Alert[]): Promise<Alert[]> {
  const fromPages = alerts.filter((a) => a.source === "publishable");
  if (fromPages.length === 0) return alerts;
  const policy = { requests: runtime.publishablePerMinute, window_s: 60 };
  const kept = new Set<Alert>(alerts.filter((a) => a.source !== "publishable"));
  for (const a of fromPages) {
    const verdict = await runtime.limiter.begin(`alerts:publishable:${a.merchant_id}`, policy).verdict;
    if (verdict.kind === "limited") {
      runtime.stats.suppressed++;
      console.warn(`alerts: publishable-key alert ${a.alert_id} of ${a.merchant_id} held back (over ${policy.requests}/min)`);
    } else kept.add(a);
  }
  return alerts.filter((a) => kept.has(a));
}

/**
 * Builds and delivers a run's alerts; meant for `waitUntil`. Resolves with the outcome, never rejects. With a
 * sink that is configured but broken (e.g. half its credentials), alerts go straight to the spill, and the
 * scheduled replay sends them once the configuration is fixed: a configuration mistake loses no alert.
 */
export async function raiseAlerts(runtime: AlertRuntime, items: readonly StoreItem[], outcomes: readonly ItemOutcome[]): Promise<DeliveryOutcome | undefined> {
  if (runtime.choice.kind === "none") return undefined;
  try {
    const alerts = await withinPublishableBudget(runtime, await alertsFor(items, outcomes, runtime.minDecision, Date.now()));
    if (alerts.length === 0) return undefined;
    if (runtime.choice.kind === "misconfigured") {
      console.warn(`alerts: sink misconfigured (${runtime.choice.detail}); spilling ${alerts.length} alert(s) for replay`);
      await runtime.spill.spill(alerts).catch((e: unknown) => {
        // Nowhere to keep them: the log is the last place an operator can recover them from.
        runtime.stats.lost += alerts.length;
        console.error(`alerts: LOST ${alerts.length} alert(s): the spill failed too (${e instanceof Error ? e.message : String(e)}). Alerts follow, one JSON per line.\n${alerts.map((a) => JSON.stringify(a)).join("\n")}`);
      });
      return undefined;
    }
    return await deliverAlerts(alerts, { sink: runtime.choice.sink, spill: runtime.spill, budgetMs: runtime.budgetMs, stats: runtime.stats });
  } catch (e) {
    console.error("alerts: could not build or deliver alerts", e);
    return undefined;
  }
}
