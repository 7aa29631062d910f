import type { LimitCheck, RateLimiter } from "./interface";

/** No Redis: limits cannot be checked, so requests go on (fail open) and answers say `degraded: ["rate_limit"]`. */
export class NotConfiguredRateLimiter implements RateLimiter {
  readonly kind = "not_configured" as const;

  begin(): LimitCheck {
    return { verdict: Promise.resolve({ kind: "unavailable", error: "no Redis configured" }), concurrent: false };
  }
}
