import type { DecisionPoint } from "../decision-points";
import type { AnalyticsWriter } from "./interface";

/** The AE dataset binding (wrangler.toml `analytics_engine_datasets`); locally wrangler accepts and drops writes. */
export class AnalyticsEngineWriter implements AnalyticsWriter {
  readonly kind = "analytics_engine" as const;

  constructor(private readonly dataset: AnalyticsEngineDataset) {}

  write(points: readonly DecisionPoint[]): void {
    try {
      for (const p of points) this.dataset.writeDataPoint(p);
    } catch (e) {
      console.error("analytics: writeDataPoint failed", e);
    }
  }
}
