import { AlertSchema, type Alert } from "../alert";

/**
 * Where alerts wait until Kafka has them. Two queues over one hash of bodies (id → alert JSON):
 * - the journal: every alert is written here *before* it is produced and removed once the sink acknowledged it —
 *   so an alert whose isolate dies mid-delivery (evicted, crashed, out of `waitUntil` time) is still on record;
 * - the spill: alerts whose delivery failed, replayed by the scheduled Worker (replay.ts).
 * A journal entry older than IN_FLIGHT_MS belongs to a delivery that can no longer be running (waitUntil ends
 * 30 s after the response): the replay reclaims it into the spill. Ids are deterministic, so an alert written
 * twice is stored once. Implementations side by side: redis.ts, memory.ts, not-configured.ts (no Redis: a failed
 * alert can only be logged).
 */
export interface AlertSpill {
  readonly kind: "redis" | "memory" | "not_configured";
  /** Write-ahead: records alerts about to be produced. */
  journal(alerts: Alert[]): Promise<void>;
  /** The sink acknowledged these journaled alerts. */
  acknowledge(alertIds: string[]): Promise<void>;
  /** Delivery failed: the alerts wait for the replay (whether journaled first or not). */
  spill(alerts: Alert[]): Promise<void>;
  /** Moves journal entries older than `staleBefore` (ms since epoch) to the spill; answers how many. */
  reclaim(staleBefore: number): Promise<number>;
  /** Alerts waiting for the replay: spilled ones and journal entries past IN_FLIGHT_MS. */
  backlog(now?: number): Promise<SpillBacklog>;
  /** Up to `max` spilled alerts, oldest first. */
  oldest(max: number): Promise<Alert[]>;
  /** Forgets replayed alerts once the sink has acknowledged them. */
  remove(alertIds: string[]): Promise<void>;
  /** A lease so two overlapping replays do not both send the backlog; null when another holds it. */
  lease(ttlMs: number): Promise<SpillLease | null>;
}

export interface SpillBacklog {
  count: number;
  /** Scoring (or journaling) time of the oldest waiting alert (ms since epoch), null when none waits. */
  oldestAt: number | null;
}

export interface SpillLease {
  release(): Promise<void>;
}

/** A journaled alert this old is no longer being delivered by anyone: `waitUntil` lasts 30 s after a response. */
export const IN_FLIGHT_MS = 45_000;

/**
 * The spilled alerts behind `ids` (oldest first), read from their stored bodies; an id without a readable body
 * cannot be replayed, so it is dropped — loudly — through `remove` rather than left to block the queue.
 */
export async function readableAlerts(ids: readonly string[], bodies: readonly (string | null | undefined)[], remove: (ids: string[]) => Promise<void>): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const orphans: string[] = [];
  ids.forEach((id, i) => {
    const body = bodies[i];
    const alert = body ? parseAlert(body) : undefined;
    if (alert) alerts.push(alert);
    else orphans.push(id);
  });
  if (orphans.length > 0) {
    console.error(`alert spill: dropping ${orphans.length} unreadable entr(y/ies): ${orphans.join(", ")}`);
    await remove(orphans);
  }
  return alerts;
}

/** A stored alert body, or undefined when it does not parse. */
function parseAlert(body: string): Alert | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = AlertSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
