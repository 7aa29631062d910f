import { beforeAll, describe, expect, it } from "vitest";
import { QUIET_TIMEOUT_MS, quietRedis } from "../redis-quiet";
import type { ProblemBody } from "../helpers";
import { bareTransaction, call, callWith, newKey, redisRequests, revoke, sleep } from "./helpers";

describe("key lookups and the isolate cache", () => {
  // These count Redis requests: earlier files' after-answer writes must have landed first.
  beforeAll(quietRedis, QUIET_TIMEOUT_MS);

  it("a key is read from Redis once, then served from the isolate: a request's only Redis call is its rate limit", async () => {
    // A first request loads the rate limiter's script into Redis (EVALSHA, NOSCRIPT, EVAL): not counted below.
    await call("/v1/model", { key: (await newKey({ kind: "secret" })).key });
    const { key } = await newKey({ kind: "secret" });
    let before = await redisRequests();
    expect((await call("/v1/model", { key })).status).toBe(200);
    // /v1/model reads the model routing itself (one call): what is counted beside it is the key's.
    expect((await redisRequests()) - before).toBe(3); // key record + rate limit + routing
    before = await redisRequests();
    expect((await call("/v1/model", { key })).status).toBe(200);
    expect((await redisRequests()) - before).toBe(2); // rate limit + routing: no key read
  });

  it("an unknown key is remembered as unknown too: a client stuck on a wrong key costs one read per TTL", async () => {
    const wrong = `sk_test_${crypto.randomUUID().replaceAll("-", "")}`;
    let before = await redisRequests();
    expect((await call("/v1/model", { key: wrong })).status).toBe(401);
    expect((await redisRequests()) - before).toBe(1);
    before = await redisRequests();
    expect((await call("/v1/model", { key: wrong })).status).toBe(401);
    expect((await redisRequests()) - before).toBe(0);
  });

  it("revocation takes effect when the isolate's cached copy expires (AUTH_KEY_CACHE_TTL_MS)", async () => {
    const ttl = { AUTH_KEY_CACHE_TTL_MS: "300" };
    const { key, record } = await newKey({ kind: "secret" });
    expect((await callWith(ttl, "/v1/model", { key })).status).toBe(200);
    await revoke(record);
    // Within the TTL the isolate still trusts its copy: this is the documented revocation latency.
    expect((await callWith(ttl, "/v1/model", { key })).status).toBe(200);
    await sleep(350);
    const res = await callWith(ttl, "/v1/model", { key });
    expect(res.status).toBe(401);
    expect((await res.json<ProblemBody>()).detail).toContain("revoked");
  });

  it("Redis down and the key never verified here: 503 with Retry-After — never let through", async () => {
    const { key } = await newKey({ kind: "secret" });
    const res = await callWith({ UPSTASH_REDIS_REST_TOKEN: "wrong" }, "/v1/score", { key, body: bareTransaction() });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect((await res.json<ProblemBody>()).code).toBe("store_unavailable");
  });

  it("Redis down: a key verified recently keeps working past its TTL (stale-if-error), degraded", async () => {
    const ttl = { AUTH_KEY_CACHE_TTL_MS: "100" };
    const { key } = await newKey({ kind: "secret" });
    expect((await callWith(ttl, "/v1/model", { key })).status).toBe(200);
    await sleep(150);
    const res = await callWith({ ...ttl, UPSTASH_REDIS_REST_TOKEN: "wrong" }, "/v1/score", { key, body: bareTransaction() });
    expect(res.status).toBe(200);
    expect((await res.json<{ degraded: string[] }>()).degraded).toEqual(["features", "rate_limit", "policy"]);
  });

  it("no Redis configured at all: protected routes answer 503, public ones still serve", async () => {
    const none = { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" };
    const { key } = await newKey({ kind: "secret" });
    const res = await callWith(none, "/v1/model", { key });
    expect(res.status).toBe(503);
    expect((await res.json<ProblemBody>()).code).toBe("store_unavailable");
    expect((await callWith(none, "/health")).status).toBe(200);
  });
});
