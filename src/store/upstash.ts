import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../config";

/**
 * The one way this Worker opens Upstash Redis. Every caller is on (or just behind) a request, so: a hard
 * deadline per call, no retries unless asked, one HTTP request per call (no auto-pipelining), no telemetry, replies
 * as text, and raw strings unless asked — our values are JSON we validate ourselves.
 */
export interface UpstashConnection {
  url: string;
  token: string;
}

export interface UpstashClientOptions extends UpstashConnection {
  timeoutMs: number;
  /** Retries after a network error, with exponential backoff from 100 ms; default none. */
  retries?: number;
  /** Let @upstash/redis JSON-decode replies (what @upstash/ratelimit expects); default off. */
  deserialize?: boolean;
}

export function upstashRedis(o: UpstashClientOptions): Redis {
  return new Redis({
    url: o.url,
    token: o.token,
    retry: o.retries ? { retries: o.retries, backoff: (n) => 100 * 2 ** n } : false,
    signal: () => AbortSignal.timeout(o.timeoutMs),
    automaticDeserialization: o.deserialize ?? false,
    enableTelemetry: false,
    enableAutoPipelining: false,
    // Replies as JSON text rather than base64 (decoding every reply cost ~1 % of a score's CPU): our values are
    // UTF-8 JSON and keys, never binary.
    responseEncoding: false,
  });
}

/** The configured Redis, or none: the caller then runs without what Redis would give it. */
export function upstashFrom(config: Pick<Config, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">): UpstashConnection | undefined {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = config;
  return url && token ? { url, token } : undefined;
}
