import type { DecisionPoint } from "../decision-points";
import type { AnalyticsWriter } from "./interface";

/** Data points kept in this isolate, newest last, up to `max` (the oldest are dropped beyond it). */
export class MemoryAnalyticsWriter implements AnalyticsWriter {
  readonly kind = "memory" as const;
  private readonly kept: DecisionPoint[] = [];

  constructor(private readonly max = 10_000) {}

  write(points: readonly DecisionPoint[]): void {
    this.kept.push(...points);
    if (this.kept.length > this.max) this.kept.splice(0, this.kept.length - this.max);
  }

  points(): readonly DecisionPoint[] {
    return this.kept;
  }
}
