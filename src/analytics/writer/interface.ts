import type { DecisionPoint } from "../decision-points";

/**
 * Where decision data points go. Implementations side by side: analytics-engine.ts (the Workers Analytics Engine
 * binding), memory.ts (kept in this isolate, for tests and BACKENDS=memory), forward.ts (development: posted to the
 * local AE SQL stand-in), not-configured.ts (no binding: dropped). Writes must never touch the response: callers
 * write after it, and keep the returned promise alive (`waitUntil`) for a writer that sends them somewhere.
 */
export interface AnalyticsWriter {
  readonly kind: "analytics_engine" | "memory" | "forward" | "not_configured";
  write(points: readonly DecisionPoint[]): void | Promise<void>;
}
