import { describe, expect, it } from "vitest";
import { TEST_ORIGIN, TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY } from "../auth/keys";
import { appWith, postInit } from "../alerts/kafka";
import { bearer, postJson, transaction, type ProblemBody } from "../helpers";
import { delayRedisReplies, sharedState, unique } from "./helpers";

/** Findings 4 and 8 of issue 10: idempotency compared only the key, and a timed-out score kept its reservation. */
const page = (shopperIp: string) => ({ ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN, "cf-connecting-ip": shopperIp });

describe("idempotency checks what is being retried", () => {
  it("4. a publishable key cannot plant an answer for another shopper, nor make the shopper's page wait or fail", async () => {
    const id = unique("txn_plant");
    const planted = await postJson("/v1/score", transaction({ transaction_id: id, amount: 999_900, device: { ip_country: "NG" } }), page("198.51.100.50"));
    expect(planted.status).toBe(200);
    // The real shopper's page, another network, another card and amount, the same transaction id: scored afresh.
    const victim = await postJson("/v1/score", transaction({ transaction_id: id, amount: 2_500 }), page("203.0.113.60"));
    expect(victim.status).toBe(200);
    expect(victim.headers.get("idempotent-replayed")).toBeNull();
    expect((await victim.json<{ replayed?: boolean }>()).replayed).toBeUndefined();
  });

  it("a page retrying with another body is refused, not answered from the first", async () => {
    const id = unique("txn_page_reuse");
    expect((await postJson("/v1/score", transaction({ transaction_id: id, amount: 1_000 }), page("198.51.100.52"))).status).toBe(200);
    const other = await postJson("/v1/score", transaction({ transaction_id: id, amount: 9_000 }), page("198.51.100.52"));
    expect(other.status).toBe(422);
    expect((await other.json<ProblemBody>()).code).toBe("idempotency_key_reused");
  });

  it("the same shopper retrying the same request gets the stored answer", async () => {
    const body = transaction();
    const first = await postJson("/v1/score", body, page("198.51.100.51"));
    const again = await postJson("/v1/score", body, page("198.51.100.51"));
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json<{ score: number }>()).score).toBe((await first.json<{ score: number }>()).score);
  });

  it("a secret key reusing a transaction id for a different body is refused (422), in a batch too", async () => {
    const id = unique("txn_reuse");
    expect((await postJson("/v1/score", transaction({ transaction_id: id, amount: 1_000 }))).status).toBe(200);
    const other = await postJson("/v1/score", transaction({ transaction_id: id, amount: 2_000 }));
    expect(other.status).toBe(422);
    expect((await other.json<ProblemBody>()).code).toBe("idempotency_key_reused");
    const batch = await (await postJson("/v1/score/batch", { transactions: [transaction({ transaction_id: id, amount: 3_000 })] })).json<{ results: { error?: ProblemBody }[] }>();
    expect(batch.results[0]!.error?.code).toBe("idempotency_key_reused");
  });

  it("8. a score whose store call timed out leaves no reservation and no events behind: its retry is scored, once", async () => {
    const card = unique("fp_timeout");
    const body = transaction({ card: { fingerprint: card } });
    const slow = appWith({ REDIS_TIMEOUT_MS: "300" });
    // The key is verified (and cached) while Redis still answers in time.
    expect((await slow("/v1/model", { headers: bearer(TEST_SECRET_KEY) })).status).toBe(200);
    await delayRedisReplies(900);
    try {
      const timedOut = await slow("/v1/score", postInit(body));
      expect(timedOut.status).toBe(200);
      expect((await timedOut.json<{ degraded: string[] }>()).degraded).toContain("features");
    } finally {
      await delayRedisReplies(0);
    }
    const retry = await postJson("/v1/score", body);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect((await retry.json<{ degraded: string[] }>()).degraded).toEqual([]);
    const state = (await sharedState("card", card))!;
    expect(state.events.map((e) => e.id)).toEqual([body.transaction_id]);
  });
});
