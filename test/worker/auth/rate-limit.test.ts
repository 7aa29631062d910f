import { describe, expect, it } from "vitest";
import type { ProblemBody } from "../helpers";
import { bareTransaction, call, callWith, newKey, redisRequests, sleep } from "./helpers";

/** Fixed windows are aligned to the epoch: start a sequence just after a window opens so it fits in one. */
async function startOfWindow(windowMs: number): Promise<void> {
  await sleep(windowMs - (Date.now() % windowMs) + 20);
}

const limits = (res: Response) => ({
  limit: res.headers.get("ratelimit-limit"),
  remaining: res.headers.get("ratelimit-remaining"),
  policy: res.headers.get("ratelimit-policy"),
});

describe("rate limits", () => {
  it("a secret key's default is 100 requests per minute, reported on every response", async () => {
    const { key } = await newKey({ kind: "secret" });
    const res = await call("/v1/score", { key, body: bareTransaction() });
    expect(res.status).toBe(200);
    expect(limits(res)).toEqual({ limit: "100", remaining: "99", policy: "100;w=60" });
    expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get("ratelimit-reset"))).toBeLessThanOrEqual(60);
  });

  it("exhausted: 429 with Retry-After, refused in-isolate without Redis while blocked; reset: allowed again", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 3, window_s: 2 } });
    await startOfWindow(2000);
    for (const remaining of ["2", "1", "0"]) {
      const res = await call("/v1/model", { key });
      expect(res.status).toBe(200);
      expect(limits(res)).toEqual({ limit: "3", remaining, policy: "3;w=2" });
    }
    const limited = await call("/v1/model", { key });
    expect(limited.status).toBe(429);
    expect((await limited.json<ProblemBody>()).code).toBe("rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limits(limited)).toEqual({ limit: "3", remaining: "0", policy: "3;w=2" });

    // The limiter's ephemeral cache knows the key is blocked until the window ends: no Redis request at all.
    const before = await redisRequests();
    expect((await call("/v1/score", { key, body: bareTransaction() })).status).toBe(429);
    expect((await redisRequests()) - before).toBe(0);

    await sleep(retryAfter * 1000 + 50);
    const again = await call("/v1/model", { key });
    expect(again.status).toBe(200);
    expect(limits(again).remaining).toBe("2");
  });

  it("well within its limit a key's check runs alongside the score; near it, the check is awaited; the count stays exact", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 20, window_s: 60 } });
    const modes: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const res = await call("/v1/score", { key, body: bareTransaction() });
      expect(res.status, `request ${i}`).toBe(200);
      expect(limits(res).remaining).toBe(String(20 - i));
      modes.push(/ratelimit;dur=[\d.]+;desc="(\w+)"/.exec(res.headers.get("server-timing") ?? "")![1]!);
    }
    // Nothing known → awaited; then concurrent while at least max(5, 10%) of the limit remained; then awaited again.
    expect(modes).toEqual(["awaited", ...Array(15).fill("concurrent"), ...Array(4).fill("awaited")]);
    expect((await call("/v1/score", { key, body: bareTransaction() })).status).toBe(429);
  });

  it("the limit counts every route of the key together, whatever the caller's IP", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 2, window_s: 60 } });
    expect((await call("/v1/model", { key, headers: { "cf-connecting-ip": "198.51.100.1" } })).status).toBe(200);
    expect((await call("/v1/score", { key, body: bareTransaction(), headers: { "cf-connecting-ip": "198.51.100.2" } })).status).toBe(200);
    expect((await call("/v1/model", { key, headers: { "cf-connecting-ip": "198.51.100.3" } })).status).toBe(429);
  });

  it("a publishable key is limited per client IP (IPv6: per /64)", async () => {
    const origin = "https://shop.example.com";
    const { key } = await newKey({ kind: "publishable", allowedOrigins: [origin], rateLimit: { requests: 2, window_s: 60 } });
    const from = (ip: string) => call("/v1/score", { key, origin, body: bareTransaction(), headers: { "cf-connecting-ip": ip } });
    expect((await from("203.0.113.10")).status).toBe(200);
    expect((await from("203.0.113.10")).status).toBe(200);
    expect((await from("203.0.113.10")).status).toBe(429);
    expect((await from("203.0.113.11")).status).toBe(200);

    expect((await from("2001:db8:1:2::1")).status).toBe(200);
    expect((await from("2001:db8:1:2:ffff::9")).status).toBe(200);
    expect((await from("2001:0db8:0001:0002:abcd::1")).status).toBe(429);
    expect((await from("2001:db8:1:3::1")).status).toBe(200);
  });

  it("the 429 of a publishable key is readable by its page (CORS), so the script can back off", async () => {
    const origin = "https://shop.example.com";
    const { key } = await newKey({ kind: "publishable", allowedOrigins: [origin], rateLimit: { requests: 1, window_s: 60 } });
    await call("/v1/score", { key, origin, body: bareTransaction() });
    const res = await call("/v1/score", { key, origin, body: bareTransaction() });
    expect(res.status).toBe(429);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-expose-headers")).toContain("Retry-After");
  });

  it("Redis unreachable: the limit fails open, the score says degraded rate_limit, no RateLimit headers", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 1, window_s: 60 } });
    // Verified (and counted) through the working Redis first: the isolate now holds the key.
    expect((await call("/v1/model", { key })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await callWith({ UPSTASH_REDIS_REST_TOKEN: "wrong" }, "/v1/score", { key, body: bareTransaction() });
      expect(res.status).toBe(200);
      expect((await res.json<{ degraded: string[] }>()).degraded).toContain("rate_limit");
      expect(res.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});
