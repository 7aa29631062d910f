import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../../../src/app";
import { TEST_METRICS_TOKEN, TEST_SECRET_KEY } from "../auth/keys";
import { BASE, bearer, postJson, transaction } from "../helpers";

interface Scored {
  score: number;
  decision: string;
  degraded: string[];
  timings: { total_ms: number };
}

/**
 * The app with other bindings than the test Worker's (a wrong token, an endpoint that never answers). Its key is
 * verified first through the working Redis, as it would have been by the isolate's earlier traffic: a key the
 * isolate has not verified cannot be accepted while Redis is down (test/worker/auth/key-cache.test.ts).
 */
async function scoreWith(bindings: Record<string, string>, body: unknown): Promise<Response> {
  const app = createApp();
  const call = async (path: string, init: RequestInit, bindings: Record<string, string>) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, { ...init, headers: { ...bearer(TEST_SECRET_KEY), ...init.headers } }), { ...env, ...bindings }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  expect((await call("/v1/model", {}, {})).status).toBe(200);
  return call("/v1/score", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, bindings);
}

const control = (action: "stop" | "start") => fetch(`${inject("controlUrl")}/redis/${action}`, { method: "POST" });

describe("when Redis fails, scores degrade instead of failing", () => {
  // Redis refusing everything also means the rate limit cannot be checked: the request goes on, and says so.
  it("a wrong token: 200 with degraded features (and rate limit, policy), not a 5xx", async () => {
    const res = await scoreWith({ UPSTASH_REDIS_REST_TOKEN: "wrong" }, transaction());
    expect(res.status).toBe(200);
    expect((await res.json<Scored>()).degraded).toEqual(["features", "rate_limit", "policy"]);
  });

  it("an endpoint that never answers: cut off at REDIS_TIMEOUT_MS", async () => {
    const started = Date.now();
    const res = await scoreWith({ UPSTASH_REDIS_REST_URL: inject("hangingUrl"), REDIS_TIMEOUT_MS: "150" }, transaction());
    expect(res.status).toBe(200);
    expect((await res.json<Scored>()).degraded).toEqual(["features", "rate_limit", "policy"]);
    // The hanging endpoint never answers: without the cut-off this request would never finish.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("Redis stopped mid-run: scores keep coming, flagged; health says so; restarted: back to normal", async () => {
    const ok = await postJson("/v1/score", transaction());
    expect((await ok.json<Scored>()).degraded).toEqual([]);

    expect((await control("stop")).status).toBe(204);
    try {
      for (let i = 0; i < 5; i++) {
        const res = await postJson("/v1/score", transaction());
        expect(res.status).toBe(200);
        // The suite's key is far from its limit, so its check runs alongside the score; its failure still shows.
        expect((await res.json<Scored>()).degraded).toEqual(["features", "rate_limit", "policy"]);
      }
      const h = await SELF.fetch(`${BASE}/health`, { headers: bearer(TEST_METRICS_TOKEN) });
      const body = await h.json<{ status: string; checks: { redis: { status: string; failures: number } } }>();
      expect(h.status).toBe(200);
      expect(body.status).toBe("degraded");
      expect(body.checks.redis.status).toBe("down");
      expect(body.checks.redis.failures).toBeGreaterThanOrEqual(5);
    } finally {
      expect((await control("start")).status).toBe(204);
    }
    // The REST endpoint reconnects to the restarted Redis with a short backoff: recovery within seconds.
    let degraded: string[] = ["features"];
    for (let i = 0; i < 50 && degraded.length > 0; i++) {
      degraded = (await (await postJson("/v1/score", transaction())).json<Scored>()).degraded;
      if (degraded.length > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(degraded).toEqual([]);
  });
});
