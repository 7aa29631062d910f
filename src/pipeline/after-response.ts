import { raiseAlerts } from "../alerts/raise";
import { recordRun } from "../analytics/record";
import type { ScoreRun } from "../schemas/outcome";
import type { StoreItem } from "../store/interface";
import type { PipelineDeps } from "./deps";

/**
 * Work that follows a decision without delaying it (`waitUntil`): decision data points for Analytics Engine,
 * alerts for high-risk decisions (docs/alerts.md), and each fresh answer stored under its idempotency key — or,
 * when the store's call failed (`release`: it may still have recorded, e.g. on a timeout), that call undone, so a
 * retry is scored once and not refused as in progress. Failures here are logged, never surfaced to the caller who
 * already has the answer.
 */
export function afterResponse(items: readonly StoreItem[], run: ScoreRun, deps: PipelineDeps, waitUntil: (work: Promise<unknown>) => void, opts: { release: boolean }): void {
  waitUntil(recordRun(deps.analytics, deps.model, items, run).catch((e: unknown) => console.error("analytics: recording failed", e)));
  waitUntil(raiseAlerts(deps.alerts, items, run.outcomes));
  if (opts.release) {
    waitUntil(deps.store.release([...items]).catch((e: unknown) => console.error("feature store: releasing a failed call failed", e instanceof Error ? e.name : typeof e)));
    return;
  }
  const fresh = run.outcomes.flatMap((o, i) => (o.kind === "scored" ? [{ item: items[i]!, response: o.result }] : []));
  // Without the store's round trip nothing was reserved: there is nowhere to keep the answer.
  if (fresh.length === 0 || run.degraded.includes("features")) return;
  waitUntil(deps.store.saveResponses(fresh).catch((e: unknown) => console.error("idempotency: saving responses failed", e)));
}
