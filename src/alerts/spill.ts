import { Redis } from "@upstash/redis/cloudflare";
import { AlertSchema, type Alert } from "./alert";

/**
 * Alerts the sink would not take, parked in Redis until the scheduled Worker replays them (replay.ts).
 * Two keys: a sorted set of alert ids by scoring time (replay oldest first, backlog age for /health) and a hash
 * id → alert JSON. An alert spilled twice (its id is deterministic) is stored once.
 */
export interface AlertSpill {
  spill(alerts: Alert[]): Promise<void>;
  backlog(): Promise<SpillBacklog>;
  /** Up to `max` spilled alerts, oldest first. */
  oldest(max: number): Promise<Alert[]>;
  /** Forgets alerts once the sink has acknowledged them. */
  remove(alertIds: string[]): Promise<void>;
  /** A lease so two overlapping replays do not both send the backlog; null when another holds it. */
  lease(ttlMs: number): Promise<SpillLease | null>;
}

export interface SpillBacklog {
  count: number;
  /** Scoring time of the oldest spilled alert (ms since epoch), null when empty. */
  oldestAt: number | null;
}

export interface SpillLease {
  release(): Promise<void>;
}

export const SPILL_KEYS = {
  index: "alerts:v1:spill:index",
  bodies: "alerts:v1:spill:bodies",
  lease: "alerts:v1:spill:lease",
} as const;

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisSpillOptions {
  url: string;
  token: string;
  /** Per Redis call. The spill is the last resort for an alert, so it is more patient than the feature store. */
  timeoutMs?: number;
}

export class RedisAlertSpill implements AlertSpill {
  private readonly redis: Redis;

  constructor(opts: RedisSpillOptions) {
    const timeoutMs = opts.timeoutMs ?? 3_000;
    this.redis = new Redis({
      url: opts.url,
      token: opts.token,
      retry: { retries: 2, backoff: (n) => 100 * 2 ** n },
      signal: () => AbortSignal.timeout(timeoutMs),
      automaticDeserialization: false,
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
  }

  async spill(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const tx = this.redis.multi();
    const [first, ...rest] = alerts.map((a) => ({ score: Date.parse(a.scored_at), member: a.alert_id }));
    // NX: a re-spilled alert keeps its place in the queue.
    tx.zadd(SPILL_KEYS.index, { nx: true }, first!, ...rest);
    tx.hset(SPILL_KEYS.bodies, Object.fromEntries(alerts.map((a) => [a.alert_id, JSON.stringify(a)])));
    await tx.exec();
  }

  async backlog(): Promise<SpillBacklog> {
    const p = this.redis.pipeline();
    p.zcard(SPILL_KEYS.index);
    p.zrange(SPILL_KEYS.index, 0, 0, { withScores: true });
    const [count, oldest] = (await p.exec()) as [number, string[]];
    return { count: Number(count), oldestAt: oldest.length >= 2 ? Number(oldest[1]) : null };
  }

  async oldest(max: number): Promise<Alert[]> {
    const ids = (await this.redis.zrange(SPILL_KEYS.index, 0, max - 1)) as string[];
    if (ids.length === 0) return [];
    // Raw reply (automaticDeserialization is off): values in field order.
    const bodies = (await this.redis.hmget(SPILL_KEYS.bodies, ...ids)) as unknown as (string | null)[];
    const alerts: Alert[] = [];
    const orphans: string[] = [];
    ids.forEach((id, i) => {
      const body = bodies[i];
      const parsed = body ? AlertSchema.safeParse(JSON.parse(body)) : undefined;
      if (parsed?.success) alerts.push(parsed.data);
      else orphans.push(id);
    });
    if (orphans.length > 0) {
      // An id without a readable body cannot be replayed; say so loudly and do not let it block the queue.
      console.error(`alert spill: dropping ${orphans.length} unreadable entr(y/ies): ${orphans.join(", ")}`);
      await this.remove(orphans);
    }
    return alerts;
  }

  async remove(alertIds: string[]): Promise<void> {
    if (alertIds.length === 0) return;
    const [first, ...rest] = alertIds;
    const tx = this.redis.multi();
    tx.zrem(SPILL_KEYS.index, first!, ...rest);
    tx.hdel(SPILL_KEYS.bodies, first!, ...rest);
    await tx.exec();
  }

  async lease(ttlMs: number): Promise<SpillLease | null> {
    const token = crypto.randomUUID();
    const got = await this.redis.set(SPILL_KEYS.lease, token, { nx: true, px: ttlMs });
    if (got !== "OK") return null;
    return {
      release: async () => {
        await this.redis.eval(RELEASE_SCRIPT, [SPILL_KEYS.lease], [token]);
      },
    };
  }
}
