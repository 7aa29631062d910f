import type { Config } from "../../config";
import { upstashFrom } from "../../store/upstash";
import type { RateLimiter } from "./interface";
import { MemoryRateLimiter } from "./memory";
import { NotConfiguredRateLimiter } from "./not-configured";
import { UpstashRateLimiter } from "./upstash";

export function rateLimiterFrom(config: Config): RateLimiter {
  if (config.BACKENDS === "memory") return new MemoryRateLimiter();
  const redis = upstashFrom(config);
  return redis ? new UpstashRateLimiter({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS }) : new NotConfiguredRateLimiter();
}
