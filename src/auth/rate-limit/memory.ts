import type { RateLimitPolicy } from "../key-record";
import type { LimitCheck, LimitVerdict, RateLimiter } from "./interface";

/**
 * Fixed-window limits in this isolate's memory (BACKENDS=memory), counted the way @upstash/ratelimit's fixed
 * window counts: one counter per identifier and window number (windows aligned to multiples of the window length,
 * so a key's limit changed mid-window keeps its count), every request counted, `remaining` never below 0. The
 * answer is known at once, so nothing runs alongside the request.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = "memory" as const;
  private readonly counts = new Map<string, { window: number; used: number }>();

  constructor(private readonly maxTracked = 10_000) {}

  begin(identifier: string, policy: RateLimitPolicy, cost = 1, now = Date.now()): LimitCheck {
    const length = policy.window_s * 1000;
    const window = Math.floor(now / length);
    const key = `${identifier}:${window}`;
    const used = (this.counts.get(key)?.used ?? 0) + cost;
    this.counts.delete(key);
    this.counts.set(key, { window, used });
    if (this.counts.size > this.maxTracked) this.counts.delete(this.counts.keys().next().value!);
    const verdict: LimitVerdict = {
      kind: used <= policy.requests ? "allowed" : "limited",
      limit: policy.requests,
      remaining: Math.max(0, policy.requests - used),
      resetAt: (window + 1) * length,
      pending: Promise.resolve(),
    };
    return { verdict: Promise.resolve(verdict), concurrent: false };
  }
}
