import type { RateLimitPolicy } from "../key-record";

/**
 * Per-identifier request limits (docs/auth.md). Implementations side by side: upstash.ts (@upstash/ratelimit over
 * Upstash Redis, global across isolates), memory.ts (fixed windows in this isolate, BACKENDS=memory),
 * not-configured.ts (no Redis: every check is "unavailable" and requests go on, flagged `rate_limit`).
 */
export interface RateLimiter {
  readonly kind: "upstash" | "memory" | "not_configured";
  /**
   * Starts the check of one request, counting it as `cost` units (a batch costs one per transaction; default 1).
   * As with @upstash/ratelimit's fixed window, a refused request still counts.
   */
  begin(identifier: string, policy: RateLimitPolicy, cost?: number, now?: number): LimitCheck;
}

export type LimitVerdict =
  | { kind: "allowed" | "limited"; limit: number; remaining: number; resetAt: number; pending: Promise<unknown> }
  /** Redis could not be asked: the request goes on unlimited and says so. */
  | { kind: "unavailable"; error: string };

/** A started check. `concurrent`: the identifier is far enough from its limit that the request need not wait. */
export interface LimitCheck {
  verdict: Promise<LimitVerdict>;
  concurrent: boolean;
}
