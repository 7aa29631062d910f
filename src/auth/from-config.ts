import type { Config } from "../config";
import { upstashFrom } from "../store/upstash";
import type { KeyAuth } from "./authenticate";
import { isolateKeyCache } from "./key-cache";
import { KeyStore } from "./key-store";
import { RateLimiter } from "./rate-limiter";

/** During a Redis outage a key verified this recently keeps working (scores degrade rather than fail). */
export const KEY_MAX_STALE_MS = 10 * 60_000;

/** Key authentication from the configuration; none without Redis (protected routes then answer 503). */
export function keyAuthFrom(config: Config): KeyAuth | undefined {
  const redis = upstashFrom(config);
  if (!redis) return undefined;
  return {
    source: new KeyStore({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS }),
    cache: isolateKeyCache,
    policy: { ttlMs: config.AUTH_KEY_CACHE_TTL_MS, maxStaleMs: KEY_MAX_STALE_MS },
    production: config.ENVIRONMENT === "production",
  };
}

export function rateLimiterFrom(config: Config): RateLimiter | undefined {
  const redis = upstashFrom(config);
  return redis && new RateLimiter({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS });
}
