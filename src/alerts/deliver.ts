import { NotConfiguredError } from "../errors/not-configured";
import type { Alert } from "./alert";
import { SinkError, type AlertSink } from "./sink/interface";
import type { AlertSpill } from "./spill/interface";

/**
 * One batch of alerts, after the response. First journaled in Redis (write-ahead: if this isolate dies during
 * delivery the replay still finds them), then produced with `budgetMs` for the sink (its own retries included);
 * acknowledged in the journal on success, moved to the spill on failure. Only if Redis fails too is an alert
 * lost to the pipeline — it is then written to the log in full, so it can still be recovered by hand.
 *
 * Budget: `waitUntil` work gets ~30 s after the response. The default 15 s for the sink plus the spill write's
 * worst case (3 tries × 3 s) can exceed it by a few seconds; the journal entry written first covers that case.
 */
export interface DeliveryDeps {
  sink: AlertSink;
  spill: AlertSpill;
  budgetMs: number;
  stats?: AlertStats;
}

/** What this isolate has seen, for /health. */
export interface AlertStats {
  delivered: number;
  spilled: number;
  lost: number;
  /** Checkout pages' alerts held back by their per-merchant bound (raise.ts). */
  suppressed: number;
  lastError?: string;
  lastFailureAt?: number;
  lastSuccessAt?: number;
}

export const emptyAlertStats = (): AlertStats => ({ delivered: 0, spilled: 0, lost: 0, suppressed: 0 });

export type DeliveryOutcome =
  | { kind: "delivered"; count: number; ms: number }
  | { kind: "spilled"; count: number; error: SinkError }
  | { kind: "lost"; count: number; error: SinkError; spillError: string };

export async function deliverAlerts(alerts: Alert[], deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const journaled = await journal(alerts, deps.spill);
  const started = performance.now();
  try {
    await deps.sink.produce(alerts, AbortSignal.timeout(deps.budgetMs));
  } catch (e) {
    const error = e instanceof SinkError ? e : new SinkError("unavailable", e instanceof Error ? e.message : String(e));
    if (deps.stats) {
      deps.stats.lastError = `${error.code}: ${error.message}`;
      deps.stats.lastFailureAt = Date.now();
    }
    return spillOrLose(alerts, error, deps);
  }
  const ms = performance.now() - started;
  if (deps.stats) {
    deps.stats.delivered += alerts.length;
    deps.stats.lastSuccessAt = Date.now();
  }
  if (journaled) {
    // If this fails the journal entries outlive their delivery: the replay re-sends them (a duplicate, not a loss).
    await deps.spill.acknowledge(alerts.map((a) => a.alert_id)).catch((e: unknown) => console.warn("alerts: journal acknowledgement failed", e));
  }
  return { kind: "delivered", count: alerts.length, ms };
}

/** Write-ahead; when it fails (or there is no spill) the alerts are still produced, just without the safety net. */
async function journal(alerts: Alert[], spill: AlertSpill): Promise<boolean> {
  try {
    await spill.journal(alerts);
    return true;
  } catch (e) {
    if (!(e instanceof NotConfiguredError)) console.warn("alerts: journaling failed; producing without a write-ahead record", e);
    return false;
  }
}

async function spillOrLose(alerts: Alert[], error: SinkError, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const ids = alerts.map((a) => a.alert_id);
  try {
    await deps.spill.spill(alerts);
    if (deps.stats) deps.stats.spilled += alerts.length;
    console.warn(`alerts: ${deps.sink.kind} sink failed (${error.code}: ${error.message}); spilled ${ids.length} for replay: ${ids.join(",")}`);
    return { kind: "spilled", count: alerts.length, error };
  } catch (spillError) {
    return lose(alerts, error, spillError instanceof Error ? spillError.message : String(spillError), deps);
  }
}

function lose(alerts: Alert[], error: SinkError, spillError: string, deps: DeliveryDeps): DeliveryOutcome {
  if (deps.stats) deps.stats.lost += alerts.length;
  console.error(
    `alerts: LOST ${alerts.length} alert(s): ${deps.sink.kind} sink failed (${error.code}: ${error.message}) and the spill failed (${spillError}). Alerts follow, one JSON per line.\n` +
      alerts.map((a) => JSON.stringify(a)).join("\n"),
  );
  return { kind: "lost", count: alerts.length, error, spillError };
}
