import type { Config } from "../config";
import type { KeyAuth } from "./authenticate";
import { isolateKeyCache } from "./key-cache";
import { KeyStore } from "./key-store";
import { RateLimiter } from "./rate-limiter";

/** During a Redis outage a key verified this recently keeps working (scores degrade rather than fail). */
export const KEY_MAX_STALE_MS = 10 * 60_000;

/** Key authentication from the configuration; none without Redis (protected routes then answer 503). */
export function keyAuthFrom(config: Config): KeyAuth | undefined {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return undefined;
  return {
    source: new KeyStore({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN, timeoutMs: config.REDIS_TIMEOUT_MS }),
    cache: isolateKeyCache,
    policy: { ttlMs: config.AUTH_KEY_CACHE_TTL_MS, maxStaleMs: KEY_MAX_STALE_MS },
    production: config.ENVIRONMENT === "production",
  };
}

export function rateLimiterFrom(config: Config): RateLimiter | undefined {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return undefined;
  return new RateLimiter({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN, timeoutMs: config.REDIS_TIMEOUT_MS });
}
