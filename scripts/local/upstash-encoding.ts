import type { RedisReply } from "./command-backend";

export type UpstashJson = null | number | string | UpstashJson[];

/**
 * A reply as Upstash puts it in `{"result": …}`. With `Upstash-Encoding: base64` every string is base64 of its
 * bytes, except a top-level "OK": @upstash/redis leaves a top-level "OK" alone but base64-decodes every string
 * nested in an array, so a nested "OK" must be encoded too. Integers stay numbers, nil stays null.
 */
export function toUpstashResult(reply: RedisReply, base64: boolean): UpstashJson {
  if (base64 && isOk(reply)) return "OK";
  return encode(reply, base64);
}

function encode(reply: RedisReply, base64: boolean): UpstashJson {
  if (reply === null || typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((r) => encode(r, base64));
  // An error nested in an array (e.g. a Lua table holding redis.error_reply) has no JSON form of its own.
  const bytes = reply instanceof Error ? Buffer.from(reply.message) : typeof reply === "string" ? Buffer.from(reply) : reply;
  return base64 ? bytes.toString("base64") : bytes.toString("utf8");
}

function isOk(reply: RedisReply): boolean {
  if (typeof reply === "string") return reply === "OK";
  return Buffer.isBuffer(reply) && reply.length === 2 && reply.toString("latin1") === "OK";
}
