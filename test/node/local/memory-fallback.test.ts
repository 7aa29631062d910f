import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryBackend } from "../../../scripts/local/memory-backend";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/local/redis-server-process";
import { startUpstashRest, type UpstashRestHandle } from "../../../scripts/local/upstash-redis-rest";

/**
 * The in-memory fallback (ioredis-mock behind the same REST endpoint) against the real thing: every scenario runs
 * on both through @upstash/redis and must give redis-server's answer. The limits that remain are in
 * docs/local-stack.md.
 */
const TOKEN = "parity";
let server: RedisServerHandle;
let real: UpstashRestHandle;
let memory: UpstashRestHandle;
let clients: { real: Redis; memory: Redis };

beforeAll(async () => {
  server = await startRedisServer();
  real = await startUpstashRest({ redis: server.url, token: TOKEN });
  memory = await startUpstashRest({ redis: createMemoryBackend(), token: TOKEN });
  const client = (url: string) => new Redis({ url, token: TOKEN, enableAutoPipelining: false, retry: false });
  clients = { real: client(real.url), memory: client(memory.url) };
});

afterAll(async () => {
  await memory.close();
  await real.close();
  await server.stop();
});

async function onBoth<T>(scenario: (redis: Redis, prefix: string) => Promise<T>): Promise<T> {
  const prefix = `s${Math.random().toString(36).slice(2)}:`;
  const expected = await scenario(clients.real, prefix);
  expect(await scenario(clients.memory, prefix)).toEqual(expected);
  return expected;
}

/** Exercises what differs in ioredis-mock's Lua bridge: nil inside replies, ipairs over replies, grown tables. */
const LUA = `
local seen = redis.call('HMGET', KEYS[1], 'first', 'last')
local state = {seen[1] or '', seen[2] or ''}
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do state[#state + 1] = member end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
if not tonumber(seen[1]) then redis.call('HSET', KEYS[1], 'first', ARGV[1]) end
redis.call('HSET', KEYS[1], 'last', ARGV[1])
local out = {}
out[1] = {'recorded', state}
return out
`;

describe("in-memory fallback matches redis-server", () => {
  it("strings with TTL (the client's lower-case `ex`)", async () => {
    const result = await onBoth(async (r, p) => {
      await r.set(`${p}k`, "v", { ex: 100 });
      return [await r.get(`${p}k`), (await r.ttl(`${p}k`)) > 90, await r.set(`${p}k`, "w", { nx: true })];
    });
    expect(result).toEqual(["v", true, null]);
  });

  it("hashes and sorted sets (including ZADD options)", async () => {
    const result = await onBoth(async (r, p) => {
      await r.hset(`${p}h`, { n: 1, s: "x" });
      await r.hincrby(`${p}h`, "n", 4);
      await r.zadd(`${p}z`, { score: 1000, member: "a" }, { score: 2000, member: "b" }, { score: 3000, member: "c" });
      await r.zadd(`${p}z`, { nx: true }, { score: 9, member: "a" });
      const changed = await r.zadd(`${p}z`, { ch: true }, { score: 2500, member: "b" });
      return [
        await r.hgetall(`${p}h`),
        changed,
        await r.zrange(`${p}z`, 0, -1, { withScores: true }),
        await r.zremrangebyscore(`${p}z`, "-inf", 2000),
        await r.zremrangebyrank(`${p}z`, 0, -2),
        await r.zrange(`${p}z`, 0, -1),
      ];
    });
    expect(result).toEqual([{ n: 5, s: "x" }, 1, ["a", 1000, "b", 2500, "c", 3000], 1, 1, ["c"]]);
  });

  it("pipeline and multi-exec", async () => {
    const result = await onBoth(async (r, p) => {
      const pipe = r.pipeline();
      pipe.incr(`${p}n`);
      pipe.incrby(`${p}n`, 5);
      pipe.get(`${p}n`);
      const tx = r.multi();
      tx.incr(`${p}n`);
      tx.expire(`${p}n`, 100);
      return [await pipe.exec(), await tx.exec()];
    });
    expect(result).toEqual([
      [1, 6, 6],
      [7, 1],
    ]);
  });

  it("a Lua script with nil-in-reply, ipairs and a grown table, via EVALSHA → NOSCRIPT → EVAL", async () => {
    const result = await onBoth(async (r, p) => {
      const script = r.createScript<unknown>(LUA);
      return [await script.exec([`${p}meta`, `${p}ev`], ["1000", "m1"]), await script.exec([`${p}meta`, `${p}ev`], ["2000", "m2"])];
    });
    expect(result).toEqual([[["recorded", ["", ""]]], [["recorded", [1000, 1000, "m1"]]]]);
  });

  it("@upstash/ratelimit's Upstash-flavoured scripts: sliding window, fixed window, token bucket", async () => {
    const result = await onBoth(async (r, p) => {
      const run = async (limiter: ConstructorParameters<typeof Ratelimit>[0]["limiter"], name: string) => {
        const rl = new Ratelimit({ redis: r, limiter, prefix: `${p}${name}` });
        const out = [];
        for (let i = 0; i < 3; i++) out.push((await rl.limit("id")).success);
        return out;
      };
      return [
        await run(Ratelimit.slidingWindow(2, "10 s"), "sw"),
        await run(Ratelimit.fixedWindow(2, "10 s"), "fw"),
        await run(Ratelimit.tokenBucket(1, "10 s", 2), "tb"),
      ];
    });
    expect(result).toEqual([
      [true, true, false],
      [true, true, false],
      [true, true, false],
    ]);
  });

  it("unicode values and command errors", async () => {
    const result = await onBoth(async (r, p) => {
      await r.set(`${p}u`, "Zürich → 東京 🚀");
      const unknown = await r.exec(["NOSUCHCOMMAND"]).catch((e: Error) => /unknown command/i.test(e.message));
      return [await r.get(`${p}u`), unknown];
    });
    expect(result).toEqual(["Zürich → 東京 🚀", true]);
  });
});
