import { describe, expect, it } from "vitest";
import { FraudScorer, ProblemError, TransportError, retryingFetch, DEFAULT_RETRY } from "../../../client/src/index";

const problem = (status: number, code: string) => new Response(JSON.stringify({ type: `urn:x:${code}`, title: code, status, code }), { status, headers: { "content-type": "application/problem+json" } });
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });

/** A fake network answering `replies` in turn, recording what it was sent. */
function network(replies: (Response | Error)[]) {
  const seen: { url: string; body: string; key: string | null }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, body: await req.text(), key: req.headers.get("idempotency-key") });
    const next = replies.shift();
    if (!next) throw new Error("no more replies");
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { fetchFn, seen };
}

const sleeps: number[] = [];
const noSleep = async (ms: number) => void sleeps.push(ms);

describe("the client's retries", () => {
  it("retries network errors, 5xx and 429 with the very same request, and stops at the first final answer", async () => {
    const { fetchFn, seen } = network([new TypeError("connection reset"), problem(503, "store_unavailable"), ok({ fine: true })]);
    const res = await retryingFetch({ ...DEFAULT_RETRY, retries: 3 }, fetchFn, noSleep)("http://scorer.test/v1/score", { method: "POST", body: '{"transaction_id":"t1"}', headers: { "idempotency-key": "k1" } });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => `${s.body}|${s.key}`))).toEqual(new Set(['{"transaction_id":"t1"}|k1']));
  });

  it("never retries another 4xx", async () => {
    const { fetchFn, seen } = network([problem(400, "validation_failed"), ok({})]);
    expect((await retryingFetch(DEFAULT_RETRY, fetchFn, noSleep)("http://scorer.test/x")).status).toBe(400);
    expect(seen).toHaveLength(1);
  });

  it("waits as long as Retry-After says, unless that is longer than the caller would wait", async () => {
    sleeps.length = 0;
    const short = network([new Response(null, { status: 429, headers: { "retry-after": "2" } }), ok({})]);
    expect((await retryingFetch(DEFAULT_RETRY, short.fetchFn, noSleep)("http://scorer.test/x")).status).toBe(200);
    expect(sleeps).toEqual([2_000]);
    const long = network([new Response(null, { status: 429, headers: { "retry-after": "60" } }), ok({})]);
    expect((await retryingFetch(DEFAULT_RETRY, long.fetchFn, noSleep)("http://scorer.test/x")).status).toBe(429);
    expect(long.seen).toHaveLength(1);
  });

  it("gives up after the retries with a TransportError (no answer) or the last answer", async () => {
    const scorer = new FraudScorer({ baseUrl: "http://scorer.test", apiKey: "sk_test_x", retry: { retries: 2, baseDelayMs: 1 }, fetch: network([new TypeError("a"), new TypeError("b"), new TypeError("c")]).fetchFn });
    const err = await scorer.entity("card", "c1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).attempts).toBe(3);
    const down = new FraudScorer({ baseUrl: "http://scorer.test", apiKey: "sk_test_x", retry: { retries: 1, baseDelayMs: 1 }, fetch: network([problem(503, "store_unavailable"), problem(503, "store_unavailable")]).fetchFn });
    const p = await down.entity("card", "c1").catch((e: unknown) => e);
    expect(p).toBeInstanceOf(ProblemError);
    expect((p as ProblemError).code).toBe("store_unavailable");
  });
});

describe("FraudScorer", () => {
  it("fromEnv reads FRAUD_SCORER_URL and FRAUD_SCORER_API_KEY, and refuses what is missing or a publishable key", () => {
    expect(() => FraudScorer.fromEnv({})).toThrow(/FRAUD_SCORER_URL/);
    expect(() => FraudScorer.fromEnv({ FRAUD_SCORER_URL: "http://x", FRAUD_SCORER_API_KEY: "pk_test_abc" })).toThrow(/secret key/);
    expect(FraudScorer.fromEnv({ FRAUD_SCORER_URL: "http://x", FRAUD_SCORER_API_KEY: "sk_test_abc" }).options.baseUrl).toBe("http://x");
  });

  it("a problem answer is a ProblemError with its code, fields and Retry-After", async () => {
    const body = { type: "urn:x", title: "Bad", status: 400, code: "validation_failed", errors: [{ path: "amount", code: "too_small", message: "must be positive" }] };
    const scorer = new FraudScorer({ baseUrl: "http://scorer.test", apiKey: "sk_test_x", fetch: network([new Response(JSON.stringify(body), { status: 400, headers: { "content-type": "application/problem+json" } })]).fetchFn });
    const err = (await scorer.entity("card", "c1").catch((e: unknown) => e)) as ProblemError;
    expect(err).toBeInstanceOf(ProblemError);
    expect([err.status, err.code, err.errors[0]?.path]).toEqual([400, "validation_failed", "amount"]);
  });
});

describe("what the client retries", () => {
  it("a 409 idempotency_in_progress (an earlier attempt still being answered) is asked again", async () => {
    const { fetchFn, seen } = network([problem(409, "idempotency_in_progress"), ok({ transaction_id: "t1" })]);
    const res = await retryingFetch(DEFAULT_RETRY, fetchFn, noSleep)("http://scorer.test/v1/score", { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(2);
    const other = network([problem(409, "policy_limit_reached"), ok({})]);
    expect((await retryingFetch(DEFAULT_RETRY, other.fetchFn, noSleep)("http://scorer.test/v1/lists/entries", { method: "POST", body: "{}" })).status).toBe(409);
    expect(other.seen).toHaveLength(1);
  });

  it("a POST the server does not key (creating a rule) is sent once", async () => {
    const { fetchFn, seen } = network([problem(503, "store_unavailable"), ok({})]);
    expect((await retryingFetch(DEFAULT_RETRY, fetchFn, noSleep)("http://scorer.test/v1/rules", { method: "POST", body: "{}" })).status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("aborting the caller's signal ends the wait between tries", async () => {
    const controller = new AbortController();
    const { fetchFn } = network([new Response(null, { status: 429, headers: { "retry-after": "5" } }), ok({})]);
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("gave up")), 50);
    await expect(retryingFetch(DEFAULT_RETRY, fetchFn)("http://scorer.test/x", { signal: controller.signal })).rejects.toThrow("gave up");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

