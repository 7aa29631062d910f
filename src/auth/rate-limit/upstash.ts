import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis, type UpstashConnection } from "../../store/upstash";
import type { RateLimitPolicy } from "../key-record";
import { RATE_LIMIT_PREFIX } from "../redis-layout";
import type { LimitCheck, LimitVerdict, RateLimiter } from "./interface";

export interface RateLimiterOptions extends UpstashConnection {
  /** Past this the check is abandoned and the request let through (fail open), flagged as degraded. */
  timeoutMs: number;
}

/**
 * How far from its limit an identifier must be (as this isolate last saw it) for its check to run alongside the
 * request instead of before it: 10% of the limit, at least 5 requests. Other isolates may have spent some of that
 * headroom meanwhile; it bounds how far past a limit concurrent traffic can get before every check waits again.
 */
export const headroomOf = (policy: RateLimitPolicy) => Math.max(5, Math.ceil(policy.requests * 0.1));

const MAX_TRACKED = 10_000;

/**
 * Global per-identifier limits in Redis with @upstash/ratelimit (one EVALSHA per check). Fixed windows, so a 429's
 * `Retry-After` is exact: at the window's end the count really is zero again. Identifiers already over their
 * limit are refused from the isolate's memory until their window ends, without a Redis call (the library's
 * ephemeral cache); identifiers far from it are checked alongside the request (`begin`).
 */
export class UpstashRateLimiter implements RateLimiter {
  readonly kind = "upstash" as const;
  private readonly redis: Redis;
  /** One limiter per policy (the library fixes limit and window per instance); they share the blocked list. */
  private readonly limiters = new Map<string, Ratelimit>();
  private readonly blocked = new Map<string, number>();
  /** What the last verdict said per identifier (remaining, window end), less the checks started since. */
  private readonly seen = new Map<string, { remaining: number; resetAt: number }>();

  constructor(opts: RateLimiterOptions) {
    this.redis = upstashRedis({ ...opts, deserialize: true });
  }

  /**
   * Starts the check of one request. Every request is counted in Redis; only the wait is skipped when this isolate
   * last saw the identifier well within its limit — then the check's round trip overlaps the request's own work
   * (a score's feature-store call) instead of preceding it. Near the limit, or with nothing known, it must be awaited.
   */
  begin(identifier: string, policy: RateLimitPolicy, cost = 1, now = Date.now()): LimitCheck {
    const seen = this.seen.get(identifier);
    const concurrent = seen !== undefined && seen.resetAt > now && seen.remaining - (cost - 1) >= headroomOf(policy);
    if (seen) seen.remaining -= cost;
    const verdict = this.check(identifier, policy, cost).then((v) => {
      if (v.kind !== "unavailable") this.remember(identifier, { remaining: v.remaining, resetAt: v.resetAt });
      return v;
    });
    return { verdict, concurrent };
  }

  private remember(identifier: string, state: { remaining: number; resetAt: number }): void {
    this.seen.delete(identifier);
    this.seen.set(identifier, state);
    if (this.seen.size > MAX_TRACKED) this.seen.delete(this.seen.keys().next().value!);
  }

  private async check(identifier: string, policy: RateLimitPolicy, cost: number): Promise<LimitVerdict> {
    try {
      const r = await this.limiterFor(policy).limit(identifier, cost === 1 ? undefined : { rate: cost });
      return { kind: r.success ? "allowed" : "limited", limit: r.limit, remaining: r.remaining, resetAt: r.reset, pending: r.pending };
    } catch (e) {
      return { kind: "unavailable", error: e instanceof Error ? e.message : String(e) };
    }
  }

  private limiterFor(policy: RateLimitPolicy): Ratelimit {
    const name = `${policy.requests}/${policy.window_s}s`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.redis,
        limiter: Ratelimit.fixedWindow(policy.requests, `${policy.window_s} s`),
        prefix: RATE_LIMIT_PREFIX,
        ephemeralCache: this.blocked,
        // The Redis client's own deadline ends a slow check (and the request behind it); the library's timeout
        // would only stop waiting while the request kept running.
        timeout: 0,
        analytics: false,
        enableTelemetry: false,
      });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
