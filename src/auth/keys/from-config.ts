import { z } from "zod";
import { ConfigError, type Config } from "../../config";
import { upstashFrom } from "../../store/upstash";
import type { KeyAuth } from "../authenticate";
import { isolateKeyCache } from "../key-cache";
import { ApiKeyRecordSchema, type ApiKeyRecord } from "../key-record";
import type { KeyStore } from "./interface";
import { MemoryKeyStore } from "./memory";
import { NotConfiguredKeyStore } from "./not-configured";
import { RedisKeyStore } from "./redis";

/** During a Redis outage a key verified this recently keeps working (scores degrade rather than fail). */
export const KEY_MAX_STALE_MS = 10 * 60_000;

/** Key authentication from the configuration (config.ts BACKENDS); without a key store protected routes answer 503. */
export function keyAuthFrom(config: Config): KeyAuth {
  return {
    source: keyStoreFrom(config),
    cache: isolateKeyCache,
    policy: { ttlMs: config.AUTH_KEY_CACHE_TTL_MS, maxStaleMs: KEY_MAX_STALE_MS },
    production: config.ENVIRONMENT === "production",
  };
}

export function keyStoreFrom(config: Config): KeyStore {
  if (config.SEED_API_KEYS !== undefined && config.BACKENDS !== "memory") throw new ConfigError(["SEED_API_KEYS"]);
  if (config.BACKENDS === "memory") return new MemoryKeyStore(seedRecords(config.SEED_API_KEYS));
  const redis = upstashFrom(config);
  return redis ? new RedisKeyStore({ ...redis, timeoutMs: config.REDIS_TIMEOUT_MS }) : new NotConfiguredKeyStore();
}

/** SEED_API_KEYS: the records (digests, never keys) a memory key store starts with; a value that does not parse is a ConfigError. */
function seedRecords(json: string | undefined): ApiKeyRecord[] {
  if (json === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError(["SEED_API_KEYS"]);
  }
  const parsed = z.array(ApiKeyRecordSchema).safeParse(value);
  if (!parsed.success) throw new ConfigError(["SEED_API_KEYS"]);
  return parsed.data;
}
