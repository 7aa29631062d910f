import type { Alert } from "./alert";
import { SinkError, type AlertSink } from "./sink";
import type { AlertSpill } from "./spill";

/**
 * One batch of alerts, after the response: the sink gets `budgetMs` (its own retries included); if it has not
 * acknowledged by then the batch goes to the spill for the scheduled replay. Only if the spill fails too is an
 * alert lost to the pipeline — it is then written to the log in full, so it can still be recovered by hand.
 *
 * Budget: `waitUntil` work gets ~30 s after the response. The default 15 s for the sink plus the spill's
 * worst case (3 tries × 3 s) stays inside it.
 */
export interface DeliveryDeps {
  sink: AlertSink;
  spill: AlertSpill | undefined;
  budgetMs: number;
  stats?: AlertStats;
}

/** What this isolate has seen, for /health. */
export interface AlertStats {
  delivered: number;
  spilled: number;
  lost: number;
  lastError?: string;
  lastFailureAt?: number;
  lastSuccessAt?: number;
}

export const emptyAlertStats = (): AlertStats => ({ delivered: 0, spilled: 0, lost: 0 });

export type DeliveryOutcome =
  | { kind: "delivered"; count: number; ms: number }
  | { kind: "spilled"; count: number; error: SinkError }
  | { kind: "lost"; count: number; error: SinkError; spillError: string };

export async function deliverAlerts(alerts: Alert[], deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const started = performance.now();
  try {
    await deps.sink.produce(alerts, AbortSignal.timeout(deps.budgetMs));
    const ms = performance.now() - started;
    if (deps.stats) {
      deps.stats.delivered += alerts.length;
      deps.stats.lastSuccessAt = Date.now();
    }
    return { kind: "delivered", count: alerts.length, ms };
  } catch (e) {
    const error = e instanceof SinkError ? e : new SinkError("unavailable", e instanceof Error ? e.message : String(e));
    if (deps.stats) {
      deps.stats.lastError = `${error.code}: ${error.message}`;
      deps.stats.lastFailureAt = Date.now();
    }
    return spillOrLose(alerts, error, deps);
  }
}

async function spillOrLose(alerts: Alert[], error: SinkError, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const ids = alerts.map((a) => a.alert_id);
  if (deps.spill) {
    try {
      await deps.spill.spill(alerts);
      if (deps.stats) deps.stats.spilled += alerts.length;
      console.warn(`alerts: ${deps.sink.kind} sink failed (${error.code}: ${error.message}); spilled ${ids.length} for replay: ${ids.join(",")}`);
      return { kind: "spilled", count: alerts.length, error };
    } catch (spillError) {
      return lose(alerts, error, spillError instanceof Error ? spillError.message : String(spillError), deps);
    }
  }
  return lose(alerts, error, "no spill configured (UPSTASH_REDIS_REST_URL)", deps);
}

function lose(alerts: Alert[], error: SinkError, spillError: string, deps: DeliveryDeps): DeliveryOutcome {
  if (deps.stats) deps.stats.lost += alerts.length;
  console.error(
    `alerts: LOST ${alerts.length} alert(s): ${deps.sink.kind} sink failed (${error.code}: ${error.message}) and the spill failed (${spillError}). Alerts follow, one JSON per line.\n` +
      alerts.map((a) => JSON.stringify(a)).join("\n"),
  );
  return { kind: "lost", count: alerts.length, error, spillError };
}
