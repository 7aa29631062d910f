import type { Context } from "hono";
import { raiseAlerts } from "../alerts/runtime";
import { recordRun } from "../analytics/record";
import type { AppEnv } from "../services";
import type { StoreItem } from "../store/feature-store";
import type { ScoreRun } from "./score";

/**
 * Work that follows a score without delaying it (`waitUntil`): decision data points for Analytics Engine, alerts
 * for high-risk decisions (docs/alerts.md), and storing each answer under its idempotency key.
 * Failures here are logged, never surfaced to the caller who already has the answer.
 */
export function afterResponse(c: Context<AppEnv>, items: StoreItem[], run: ScoreRun): void {
  const { store, model, alerts } = c.get("services");
  c.executionCtx.waitUntil(recordRun(c.env?.DECISIONS, model, items, run).catch((e: unknown) => console.error("analytics: recording failed", e)));
  c.executionCtx.waitUntil(raiseAlerts(alerts, items, run.outcomes));
  const fresh = run.outcomes.flatMap((o, i) => (o.kind === "scored" ? [{ idempotencyKey: items[i]!.idempotencyKey, response: o.result }] : []));
  if (!store || fresh.length === 0 || run.degraded.includes("features")) return;
  c.executionCtx.waitUntil(
    store.saveResponses(fresh).catch((e: unknown) => console.error("idempotency: saving responses failed", e)),
  );
}
