import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/local/redis-server-process";
import { startUpstashRest, type UpstashRestHandle } from "../../../scripts/local/upstash-redis-rest";

/** The Upstash-REST endpoint driven by the real @upstash/redis client against a real redis-server. */
const TOKEN = "local-test-token";
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
let server: RedisServerHandle;
let rest: UpstashRestHandle;
let redis: Redis;
/** A plain TCP client on the same redis-server: ground truth, and a second connection for MONITOR. */
let direct: IORedis;

beforeAll(async () => {
  server = await startRedisServer();
  rest = await startUpstashRest({ redis: server.url, token: TOKEN });
  redis = new Redis({ url: rest.url, token: TOKEN, enableAutoPipelining: false, retry: false });
  direct = new IORedis(server.url);
});

afterAll(async () => {
  direct.disconnect();
  await rest.close();
  await server.stop();
});

beforeEach(async () => {
  await direct.flushall();
  await direct.script("FLUSH");
  rest.resetStats();
});

const raw = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${rest.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("single commands", () => {
  it("SET with EX / GET round-trip through redis-server", async () => {
    expect(await redis.set("greeting", "hello", { ex: 100 })).toBe("OK");
    expect(await redis.get("greeting")).toBe("hello");
    expect(await direct.ttl("greeting")).toBeGreaterThan(90);
    expect(await redis.get("missing")).toBeNull();
  });

  it("hash and sorted-set commands", async () => {
    await redis.hset("card:1", { count: 3, country: "DE" });
    expect(await redis.hincrby("card:1", "count", 2)).toBe(5);
    expect(await redis.hgetall("card:1")).toEqual({ count: 5, country: "DE" });

    await redis.zadd("events", { score: 1000, member: "t1" }, { score: 2000, member: "t2" }, { score: 3000, member: "t3" });
    expect(await redis.zrange("events", 0, -1, { withScores: true })).toEqual(["t1", 1000, "t2", 2000, "t3", 3000]);
    expect(await redis.zremrangebyscore("events", "-inf", 1500)).toBe(1);
    expect(await redis.zcard("events")).toBe(2);
    expect(await redis.zscore("events", "t3")).toBe(3000);
  });

  it("a command error is HTTP 400 {error} and the client throws it", async () => {
    await direct.hset("h", "f", "1");
    const res = await raw("/", ["INCR", "h"]);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^WRONGTYPE/) });
    await expect(redis.incr("h")).rejects.toThrow(/WRONGTYPE/);
  });

  it("path-style GET /set/k/v?EX=… and POST body as last argument", async () => {
    const get = (path: string) => fetch(`${rest.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await (await get("/set/city/Istanbul?EX=100")).json()).toEqual({ result: "OK" });
    expect(await (await get("/get/city")).json()).toEqual({ result: "Istanbul" });
    expect(await direct.ttl("city")).toBeGreaterThan(90);
    await fetch(`${rest.url}/set/json`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: '{"a":1}' });
    expect(await direct.get("json")).toBe('{"a":1}');
    expect(rest.stats().byPath).toMatchObject({ "/set": 2, "/get": 1 });
  });

  it("refuses connection-state commands instead of corrupting the shared connection", async () => {
    const res = await raw("/", ["MULTI"]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/multi-exec/);
    expect(await redis.set("still", "fine")).toBe("OK");
  });
});

describe("auth", () => {
  it("wrong or missing token → 401 Unauthorized, and the client throws", async () => {
    const wrong = await raw("/", ["PING"], { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "Unauthorized" });
    const missing = await fetch(rest.url, { method: "POST", body: '["PING"]' });
    expect(missing.status).toBe(401);
    const intruder = new Redis({ url: rest.url, token: "nope", retry: false });
    await expect(intruder.get("k")).rejects.toThrow(/Unauthorized/);
  });

  it("accepts the token as ?_token= too", async () => {
    const res = await fetch(`${rest.url}/ping?_token=${TOKEN}`);
    expect(await res.json()).toEqual({ result: "PONG" });
  });
});

describe("pipeline and multi-exec", () => {
  it("a pipeline is one HTTP request; commands fail individually", async () => {
    await direct.hset("h", "f", "1");
    const p = redis.pipeline();
    p.set("a", "1");
    p.incr("a");
    p.incr("h");
    p.get("a");
    const results = await p.exec({ keepErrors: true });
    expect(results.map((r) => r.result)).toEqual(["OK", 2, undefined, 2]);
    expect(results[2]!.error).toMatch(/WRONGTYPE/);
    expect(rest.stats()).toEqual({ requests: 1, commands: 4, byPath: { "/pipeline": 1 } });
  });

  it("multi-exec sends MULTI … EXEC to Redis; a pipeline does not", async () => {
    const monitor = await direct.duplicate().monitor();
    const seen: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => seen.push(args.join(" ").toUpperCase()));

    const tx = redis.multi();
    tx.set("tx", "1");
    tx.incr("tx");
    expect(await tx.exec()).toEqual(["OK", 2]);
    const p = redis.pipeline();
    p.set("pl", "1");
    p.incr("pl");
    await p.exec();
    await direct.ping();
    await new Promise((r) => setTimeout(r, 50));
    monitor.disconnect();

    const relevant = seen.filter((c) => /^(MULTI|EXEC|SET|INCR)/.test(c));
    expect(relevant).toEqual(["MULTI", "SET TX 1", "INCR TX", "EXEC", "SET PL 1", "INCR PL"]);
  });

  it("multi-exec is all or nothing: one malformed command discards the whole transaction", async () => {
    const tx = await raw("/multi-exec", [["SET", "x", "1"], ["INCR"], ["SET", "y", "2"]]);
    expect(tx.status).toBe(400);
    expect(((await tx.json()) as { error: string }).error).toMatch(/^EXECABORT/);
    expect(await direct.exists("x", "y")).toBe(0);

    const pipeline = await raw("/pipeline", [["SET", "x", "1"], ["INCR"], ["SET", "y", "2"]]);
    expect(pipeline.status).toBe(200);
    expect(await direct.exists("x", "y")).toBe(2);
  });
});

describe("Lua scripts", () => {
  it("Script.exec: EVALSHA misses (NOSCRIPT), falls back to EVAL, then EVALSHA hits", async () => {
    const script = redis.createScript<string>("return ARGV[1] .. redis.call('INCR', KEYS[1])");
    expect(await script.exec(["n"], ["first-"])).toBe("first-1");
    expect(rest.stats().requests).toBe(2);
    expect(await script.exec(["n"], ["second-"])).toBe("second-2");
    expect(rest.stats().requests).toBe(3);
  });

  it("NOSCRIPT reaches the client as an error mentioning NOSCRIPT", async () => {
    const res = await raw("/", ["EVALSHA", "0".repeat(40), "0"]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^NOSCRIPT/);
  });

  it("SCRIPT LOAD answers the SHA1 of the script text, usable by EVALSHA", async () => {
    const sha = await redis.scriptLoad("return 'loaded'");
    expect(sha).toBe(sha1("return 'loaded'"));
    expect(await redis.evalsha(sha, [], [])).toBe("loaded");
  });

  it("runs Upstash's `#!lua flags=allow-key-locking` scripts (@upstash/ratelimit) on redis-server", async () => {
    const limiter = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(3, "10 s"), prefix: "rl" });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await limiter.limit("card-1")).success);
    expect(outcomes).toEqual([true, true, true, false]);

    const bucket = new Ratelimit({ redis, limiter: Ratelimit.tokenBucket(1, "10 s", 2), prefix: "tb" });
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push((await bucket.limit("card-1")).success);
    expect(tokens).toEqual([true, true, false]);
  });

  it("an Upstash-only shebang flag keeps its client SHA1 for EVALSHA and SCRIPT LOAD", async () => {
    const script = "#!lua flags=allow-key-locking\nreturn 'locked'";
    const sha = await redis.scriptLoad(script);
    expect(sha).toBe(sha1(script));
    expect(await direct.script("EXISTS", sha)).toEqual([0]);
    expect(await redis.evalsha(sha, [], [])).toBe("locked");
  });
});

describe("Upstash-Encoding: base64", () => {
  it("binary bulk strings come back as base64 of their exact bytes", async () => {
    await direct.set("bin", Buffer.from([0xff, 0x00, 0x80, 0x41]));
    const res = await raw("/", ["GET", "bin"], { "upstash-encoding": "base64" });
    expect(await res.json()).toEqual({ result: Buffer.from([0xff, 0x00, 0x80, 0x41]).toString("base64") });
  });

  it("encodes strings recursively, keeps integers and nil, leaves a top-level OK alone", async () => {
    await direct.rpush("list", "a", "ü");
    const res = await raw(
      "/pipeline",
      [["SET", "k", "OK"], ["LRANGE", "list", "0", "-1"], ["INCR", "n"], ["GET", "nothing"], ["EVAL", "return {'OK', 7}", "0"]],
      { "upstash-encoding": "base64" },
    );
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    expect(await res.json()).toEqual([
      { result: "OK" },
      { result: [b64("a"), b64("ü")] },
      { result: 1 },
      { result: null },
      { result: [b64("OK"), 7] },
    ]);
  });

  it("without the header, strings are plain UTF-8", async () => {
    await direct.set("u", "héllo ✓ 🚀");
    expect(await (await raw("/", ["GET", "u"])).json()).toEqual({ result: "héllo ✓ 🚀" });
  });

  it("unicode values survive the @upstash/redis client (which always asks for base64)", async () => {
    const value = "Zürich → 東京 🚀";
    await redis.set("city", value);
    expect(await redis.get("city")).toBe(value);
    expect(await direct.get("city")).toBe(value);
  });
});

describe("/__stats over HTTP", () => {
  it("reports the same counters as stats(), and resets", async () => {
    await redis.set("a", "1");
    await redis.get("a");
    const stats = await (await fetch(`${rest.url}/__stats`)).json();
    expect(stats).toEqual({ requests: 2, commands: 2, byPath: { "/": 2 } });
    expect(stats).toEqual(rest.stats());
    await fetch(`${rest.url}/__stats/reset`, { method: "POST" });
    expect(rest.stats()).toEqual({ requests: 0, commands: 0, byPath: {} });
  });
});

