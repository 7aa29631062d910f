import { beforeAll, describe, expect, inject, it } from "vitest";
import { QUIET_TIMEOUT_MS, quietRedis as quiet } from "../redis-quiet";
import { bearer, postJson, transaction } from "../helpers";
import { POLICY_MERCHANT, POLICY_SECRET_KEY } from "../auth/keys";

interface Stats {
  requests: number;
  byPath: Record<string, number>;
}

/** Requests the local Upstash REST endpoint has served, by path (it counts them for exactly this test). */
async function restStats(): Promise<Stats> {
  return (await fetch(`${inject("redisRestUrl")}/__stats`)).json();
}

/**
 * Requests to the endpoint while `action` runs (after a warm-up run, which loads the Lua script once); `prepare`
 * runs before each run, outside the count.
 */
async function requestsDuring(action: () => Promise<void>, prepare?: () => Promise<void>): Promise<{ total: number; script: number; pipeline: number }> {
  await prepare?.();
  await action();
  await settle();
  await prepare?.();
  await settle();
  const before = await restStats();
  await action();
  await settle();
  const after = await restStats();
  const delta = (path: string) => (after.byPath[path] ?? 0) - (before.byPath[path] ?? 0);
  return { total: after.requests - before.requests, script: delta("/"), pipeline: delta("/pipeline") };
}

/** Post-response writes go out in waitUntil; let them land before counting. */
const settle = () => new Promise((r) => setTimeout(r, 200));

describe("Redis round trips", () => {
  beforeAll(quiet, QUIET_TIMEOUT_MS);

  // Before the response: the key's rate-limit check (an EVALSHA on "/"; it runs alongside the feature store's call
  // while the key is far from its limit) and the feature store's one request — a pipeline of the record script and
  // the merchant's policy lookup (a read-only script of its own); the key itself comes from the isolate's cache
  // (src/auth/key-cache.ts). After the response, one more: a pipeline that stores the answer (a script: only under
  // its own reservation) and keeps the transaction's record for its labels (the transaction store's script,
  // docs/feedback.md).
  it("a score reads and updates state in one round trip (after its rate-limit check); after the response, its answer and its record are stored in one more", async () => {
    const n = await requestsDuring(async () => {
      expect((await postJson("/v1/score", transaction())).status).toBe(200);
    });
    expect(n).toEqual({ total: 3, script: 1, pipeline: 2 });
  });

  it("after Redis forgets its scripts (a restart, SCRIPT FLUSH), the next score loads them again in the same round trip count", async () => {
    expect((await postJson("/v1/score", transaction())).status).toBe(200);
    const flushed = await fetch(inject("redisRestUrl"), { method: "POST", headers: { authorization: `Bearer ${inject("redisRestToken")}` }, body: JSON.stringify(["SCRIPT", "FLUSH"]) });
    expect(flushed.status).toBe(200);
    const res = await postJson("/v1/score", transaction());
    expect(res.status).toBe(200);
    expect((await res.json<{ degraded: string[] }>()).degraded).toEqual([]);
  });

  // The merchant's lists come back with the feature store's script: a score that hits an entry, on a merchant with
  // IP ranges and thresholds set, costs no request more — even when its policy changed since the isolate last
  // looked (the changed ranges come back in the same reply).
  it("a score decided by the merchant's lists makes the same requests, also right after the policy changed", async () => {
    const card = `card_fp_rt_${Date.now().toString(36)}`;
    const add = (body: unknown) => postJson("/v1/lists/entries", body, bearer(POLICY_SECRET_KEY));
    expect((await add({ kind: "card_fingerprint", value: card, action: "block" })).status).toBe(201);
    const versions: number[] = [];
    const n = await requestsDuring(
      async () => {
        const res = await postJson("/v1/score", transaction({ merchant: { id: POLICY_MERCHANT }, card: { fingerprint: card } }), bearer(POLICY_SECRET_KEY));
        expect(res.status).toBe(200);
        const body = await res.json<{ decision: string; decision_source: string; policy: { version: number } }>();
        expect(body).toMatchObject({ decision: "decline", decision_source: "list" });
        versions.push(body.policy.version);
      },
      // Each run's policy is newer than the one the isolate holds (the change itself is not counted).
      async () => {
        expect((await add({ kind: "ip", value: `198.51.${versions.length}.0/24`, action: "review" })).status).toBeLessThan(300);
      },
    );
    expect(versions[1]).toBeGreaterThan(versions[0]!);
    expect(n).toEqual({ total: 3, script: 1, pipeline: 2 });
  });

  // A batch checks its rate limit twice: one unit on arrival (before the body is read, so a refused body counts
  // too), the rest once the body says how many transactions it holds; both run alongside the route when far from
  // the limit.
  it("a batch of 200: two rate-limit checks, one request for its state (a pipeline of two script calls of 100), one post-response write", async () => {
    const n = await requestsDuring(async () => {
      const res = await postJson("/v1/score/batch", { transactions: Array.from({ length: 200 }, () => transaction()) });
      expect(res.status).toBe(200);
    });
    // After the answer: the save and the records (one script call per 200: src/store/transactions/redis.ts) in one pipeline.
    expect(n).toEqual({ total: 4, script: 2, pipeline: 2 });
  });
});
