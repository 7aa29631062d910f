import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis/cloudflare";
import type { RateLimitPolicy } from "./key-record";
import { RATE_LIMIT_PREFIX } from "./redis-layout";

export interface RateLimiterOptions {
  url: string;
  token: string;
  /** Past this the check is abandoned and the request let through (fail open), flagged as degraded. */
  timeoutMs: number;
}

export type LimitVerdict =
  | { kind: "allowed" | "limited"; limit: number; remaining: number; resetAt: number; pending: Promise<unknown> }
  /** Redis could not be asked: the request goes on unlimited and says so. */
  | { kind: "unavailable"; error: string };

/**
 * Global per-identifier limits in Redis with @upstash/ratelimit (one EVALSHA per check). Fixed windows, so a 429's
 * `Retry-After` is exact: at the window's end the count really is zero again. Identifiers already over their
 * limit are refused from the isolate's memory until their window ends, without a Redis call (the library's
 * ephemeral cache).
 */
export class RateLimiter {
  private readonly redis: Redis;
  /** One limiter per policy (the library fixes limit and window per instance); they share the blocked list. */
  private readonly limiters = new Map<string, Ratelimit>();
  private readonly blocked = new Map<string, number>();

  constructor(opts: RateLimiterOptions) {
    this.redis = new Redis({
      url: opts.url,
      token: opts.token,
      retry: false,
      signal: () => AbortSignal.timeout(opts.timeoutMs),
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
  }

  async check(identifier: string, policy: RateLimitPolicy): Promise<LimitVerdict> {
    try {
      const r = await this.limiterFor(policy).limit(identifier);
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
