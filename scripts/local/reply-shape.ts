import type { RedisReply } from "./command-backend";

/**
 * Narrows whatever a client library handed back to a RESP2-shaped reply. Objects (a client library may turn
 * HGETALL into one) go back to the flat field/value array Redis sent.
 */
export function toRedisReply(value: unknown): RedisReply {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string" || Buffer.isBuffer(value) || value instanceof Error) {
    return value;
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(toRedisReply);
  if (value instanceof Map) return [...value.entries()].flatMap(([k, v]) => [toRedisReply(k), toRedisReply(v)]);
  if (typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, toRedisReply(v)]);
  return String(value);
}
