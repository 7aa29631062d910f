import type { DecisionPoint } from "../decision-points";

/**
 * Where decision data points go. Implementations side by side: analytics-engine.ts (the Workers Analytics Engine
 * binding), memory.ts (kept in this isolate, for tests and BACKENDS=memory), not-configured.ts (no binding:
 * dropped). Writes are fire and forget — AE buffers them — and must never touch the response.
 */
export interface AnalyticsWriter {
  readonly kind: "analytics_engine" | "memory" | "not_configured";
  write(points: readonly DecisionPoint[]): void;
}
