import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis, type UpstashConnection } from "../../store/upstash";
import type { Alert } from "../alert";
import { IN_FLIGHT_MS, readableAlerts, type AlertSpill, type SpillBacklog, type SpillLease } from "./interface";

export const SPILL_KEYS = {
  journal: "alerts:v1:journal",
  index: "alerts:v1:spill:index",
  bodies: "alerts:v1:spill:bodies",
  lease: "alerts:v1:spill:lease",
} as const;

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Atomic, so an acknowledgement racing the reclaim cannot leave a spilled id without its body. */
const RECLAIM_SCRIPT = `
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES')
for i = 1, #stale, 2 do
  redis.call('ZADD', KEYS[2], 'NX', stale[i + 1], stale[i])
  redis.call('ZREM', KEYS[1], stale[i])
end
return #stale / 2
`;

export interface RedisSpillOptions extends UpstashConnection {
  /** Per Redis call. The spill is the last resort for an alert, so it is more patient than the feature store. */
  timeoutMs?: number;
}

/** The spill in the feature store's Redis: two sorted sets (journal, spill) over one hash of bodies, and a lease key. */
export class RedisAlertSpill implements AlertSpill {
  readonly kind = "redis" as const;
  private readonly redis: Redis;

  constructor(opts: RedisSpillOptions) {
    this.redis = upstashRedis({ ...opts, timeoutMs: opts.timeoutMs ?? 3_000, retries: 2 });
  }

  async journal(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const now = Date.now();
    const [first, ...rest] = alerts.map((a) => ({ score: now, member: a.alert_id }));
    const tx = this.redis.multi();
    tx.zadd(SPILL_KEYS.journal, { nx: true }, first!, ...rest);
    tx.hset(SPILL_KEYS.bodies, bodies(alerts));
    await tx.exec();
  }

  acknowledge(alertIds: string[]): Promise<void> {
    return this.forget(SPILL_KEYS.journal, alertIds);
  }

  async spill(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const [first, ...rest] = alerts.map((a) => ({ score: Date.parse(a.scored_at), member: a.alert_id }));
    const tx = this.redis.multi();
    // NX: a re-spilled alert keeps its place in the queue.
    tx.zadd(SPILL_KEYS.index, { nx: true }, first!, ...rest);
    tx.zrem(SPILL_KEYS.journal, first!.member, ...rest.map((r) => r.member));
    tx.hset(SPILL_KEYS.bodies, bodies(alerts));
    await tx.exec();
  }

  async reclaim(staleBefore: number): Promise<number> {
    return Number(await this.redis.eval(RECLAIM_SCRIPT, [SPILL_KEYS.journal, SPILL_KEYS.index], [String(staleBefore)]));
  }

  async backlog(now = Date.now()): Promise<SpillBacklog> {
    const stale = now - IN_FLIGHT_MS;
    const p = this.redis.pipeline();
    p.zcard(SPILL_KEYS.index);
    p.zrange(SPILL_KEYS.index, 0, 0, { withScores: true });
    p.zcount(SPILL_KEYS.journal, "-inf", stale);
    p.zrange(SPILL_KEYS.journal, "-inf", stale, { byScore: true, withScores: true, offset: 0, count: 1 });
    const [spilled, oldestSpilled, staleCount, oldestStale] = (await p.exec()) as [number, string[], number, string[]];
    const times = [oldestSpilled, oldestStale].filter((r) => r.length >= 2).map((r) => Number(r[1]));
    return { count: Number(spilled) + Number(staleCount), oldestAt: times.length > 0 ? Math.min(...times) : null };
  }

  async oldest(max: number): Promise<Alert[]> {
    const ids = (await this.redis.zrange(SPILL_KEYS.index, 0, max - 1)) as string[];
    if (ids.length === 0) return [];
    // Raw reply (automaticDeserialization is off): values in field order.
    const raw = (await this.redis.hmget(SPILL_KEYS.bodies, ...ids)) as unknown as (string | null)[];
    return readableAlerts(ids, raw, (orphans) => this.remove(orphans));
  }

  remove(alertIds: string[]): Promise<void> {
    return this.forget(SPILL_KEYS.index, alertIds);
  }

  /** Drops alerts from one queue (journal or spill) together with their bodies, atomically. */
  private async forget(queue: string, alertIds: string[]): Promise<void> {
    if (alertIds.length === 0) return;
    const [first, ...rest] = alertIds;
    const tx = this.redis.multi();
    tx.zrem(queue, first!, ...rest);
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

function bodies(alerts: Alert[]): Record<string, string> {
  return Object.fromEntries(alerts.map((a) => [a.alert_id, JSON.stringify(a)]));
}
