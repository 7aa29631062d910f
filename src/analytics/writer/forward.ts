import type { DecisionPoint } from "../decision-points";
import type { AnalyticsWriter } from "./interface";

/**
 * Development only: the decision points posted to the local Analytics Engine SQL stand-in (scripts/local/ae-sql.ts,
 * `POST /__points`), as `writeDataPoint` would have stored them, so the exporter's queries see local traffic. AE itself has
 * no local equivalent: wrangler's binding accepts writes and drops them. Refused in production (config.ts).
 */
export class ForwardingAnalyticsWriter implements AnalyticsWriter {
  readonly kind = "forward" as const;

  constructor(
    private readonly url: string,
    private readonly dataset: string,
  ) {}

  async write(points: readonly DecisionPoint[]): Promise<void> {
    try {
      const body = JSON.stringify(points.map((p) => ({ dataset: this.dataset, indexes: p.indexes, blobs: p.blobs, doubles: p.doubles })));
      const res = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json" }, body });
      await res.body?.cancel();
      if (!res.ok) console.error(`analytics: the local AE stand-in answered ${res.status}`);
    } catch (e) {
      console.error("analytics: forwarding to the local AE stand-in failed", e);
    }
  }
}
