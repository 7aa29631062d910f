import type { DecisionPoint } from "../decision-points";
import type { AnalyticsWriter } from "./interface";

/** Data points kept in this isolate, newest last, up to `max` (the oldest are dropped beyond it). */
export class MemoryAnalyticsWriter implements AnalyticsWriter {
  readonly kind = "memory" as const;
  /** A ring: `next` is where the next point goes, and the oldest once the ring is full (a splice per write was O(max)). */
  private readonly ring: DecisionPoint[] = [];
  private next = 0;

  constructor(private readonly max = 10_000) {}

  write(points: readonly DecisionPoint[]): void {
    for (const p of points) {
      if (this.ring.length < this.max) this.ring.push(p);
      else this.ring[this.next] = p;
      this.next = (this.next + 1) % this.max;
    }
  }

  points(): readonly DecisionPoint[] {
    return this.ring.length < this.max ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
