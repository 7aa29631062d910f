import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, newKey } from "../auth/helpers";
import { BASE, bearer, type ProblemBody } from "../helpers";
import { unique } from "./helpers";

/** Finding 3 of issue 10: a batch of 1000 counted as one request against its key's limit. */
const tx = () => ({ transaction_id: unique("txn_cost"), amount: 1200, currency: "USD", card: { fingerprint: unique("fp_cost") } });

describe("rate limits count what a request scores", () => {
  it("3. a batch costs one unit per transaction, and the headers say what is left", async () => {
    // An hour-long window, so the test does not straddle a window boundary.
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 50, window_s: 3600 } });
    const first = await call("/v1/score/batch", { key, body: { transactions: Array.from({ length: 30 }, tx) } });
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-remaining")).toBe("20");
    const second = await call("/v1/score/batch", { key, body: { transactions: Array.from({ length: 30 }, tx) } });
    expect(second.status).toBe(429);
    const refusal = await second.json<ProblemBody>();
    expect(refusal.code).toBe("rate_limited");
    expect(refusal.detail).toContain("scores 30 transactions");
  });

  it("a single score still costs one", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 50, window_s: 3600 } });
    const res = await call("/v1/score", { key, body: tx() });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-remaining")).toBe("49");
  });

  it("a batch whose body is refused (malformed, too large, wrong type) still costs one: parsing is not free", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 3, window_s: 3600 } });
    const raw = (body: string, type = "application/json") =>
      SELF.fetch(`${BASE}/v1/score/batch`, { method: "POST", headers: { ...bearer(key), "content-type": type }, body });
    expect((await raw('{"transactions": [')).status).toBe(400);
    expect((await raw("x".repeat(2 * 1024 * 1024 + 1))).status).toBe(413);
    const wrongType = await raw("{}", "text/plain");
    expect(wrongType.status).toBe(415);
    const refused = await raw(JSON.stringify({ transactions: [tx()] }));
    expect(refused.status).toBe(429);
  });

  it("a batch of one costs one, and its headers count it once", async () => {
    const { key } = await newKey({ kind: "secret", rateLimit: { requests: 50, window_s: 3600 } });
    const res = await call("/v1/score/batch", { key, body: { transactions: [tx()] } });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-remaining")).toBe("49");
  });
});
