import type { Alert } from "../alert";
import { IN_FLIGHT_MS, readableAlerts, type AlertSpill, type SpillBacklog, type SpillLease } from "./interface";

/**
 * The spill in this isolate's memory (BACKENDS=memory), with the Redis implementation's semantics: the journal
 * and the spill are ordered by time (then id, as a sorted set orders ties), a re-spilled alert keeps its place,
 * bodies are stored as JSON and an unreadable one is dropped rather than blocking the queue. It survives only as
 * long as the isolate: a stand-in for development, not a safety net.
 */
export class MemoryAlertSpill implements AlertSpill {
  readonly kind = "memory" as const;
  private readonly journalAt = new Map<string, number>();
  private readonly spilledAt = new Map<string, number>();
  private readonly bodies = new Map<string, string>();
  private leaseHeld: { token: string; until: number } | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    /** Bounds a long dev session whose sink is down: past it, the oldest spilled alert is logged in full and dropped. */
    private readonly maxSpilled = 10_000,
  ) {}

  async journal(alerts: Alert[]): Promise<void> {
    const now = this.now();
    for (const a of alerts) {
      if (!this.journalAt.has(a.alert_id)) this.journalAt.set(a.alert_id, now);
      this.bodies.set(a.alert_id, JSON.stringify(a));
    }
  }

  async acknowledge(alertIds: string[]): Promise<void> {
    this.forget(this.journalAt, alertIds);
  }

  async spill(alerts: Alert[]): Promise<void> {
    for (const a of alerts) {
      if (!this.spilledAt.has(a.alert_id)) this.spilledAt.set(a.alert_id, Date.parse(a.scored_at));
      this.journalAt.delete(a.alert_id);
      this.bodies.set(a.alert_id, JSON.stringify(a));
    }
    for (const [id] of this.ordered(this.spilledAt).slice(0, Math.max(0, this.spilledAt.size - this.maxSpilled))) {
      console.error(`alert spill (memory): full, LOST the oldest alert: ${this.bodies.get(id)}`);
      await this.remove([id]);
    }
  }

  async reclaim(staleBefore: number): Promise<number> {
    let moved = 0;
    for (const [id, at] of this.journalAt) {
      if (at > staleBefore) continue;
      if (!this.spilledAt.has(id)) this.spilledAt.set(id, at);
      this.journalAt.delete(id);
      moved++;
    }
    return moved;
  }

  async backlog(now = this.now()): Promise<SpillBacklog> {
    let count = this.spilledAt.size;
    let oldestAt: number | null = null;
    for (const at of this.spilledAt.values()) oldestAt = oldestAt === null || at < oldestAt ? at : oldestAt;
    for (const at of this.journalAt.values()) {
      if (at > now - IN_FLIGHT_MS) continue;
      count++;
      oldestAt = oldestAt === null || at < oldestAt ? at : oldestAt;
    }
    return { count, oldestAt };
  }

  async oldest(max: number): Promise<Alert[]> {
    const ids = this.ordered(this.spilledAt)
      .slice(0, max)
      .map(([id]) => id);
    return readableAlerts(
      ids,
      ids.map((id) => this.bodies.get(id)),
      (orphans) => this.remove(orphans),
    );
  }

  async remove(alertIds: string[]): Promise<void> {
    this.forget(this.spilledAt, alertIds);
  }

  async lease(ttlMs: number): Promise<SpillLease | null> {
    const now = this.now();
    if (this.leaseHeld && this.leaseHeld.until > now) return null;
    const token = crypto.randomUUID();
    this.leaseHeld = { token, until: now + ttlMs };
    return {
      release: async () => {
        if (this.leaseHeld?.token === token) this.leaseHeld = undefined;
      },
    };
  }

  /** By time, then id: the order a Redis sorted set keeps. */
  private ordered(queue: Map<string, number>): [string, number][] {
    return [...queue.entries()].sort(([a, ta], [b, tb]) => ta - tb || (a < b ? -1 : a > b ? 1 : 0));
  }

  private forget(queue: Map<string, number>, alertIds: string[]): void {
    for (const id of alertIds) {
      queue.delete(id);
      this.bodies.delete(id);
    }
  }
}
