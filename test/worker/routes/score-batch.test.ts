import { describe, expect, it } from "vitest";
import { postJson, transaction, type ProblemBody } from "../helpers";

interface BatchBody {
  results: ({ transaction_id: string; score: number; decision: string } | { transaction_id?: string; error: ProblemBody })[];
  model: { id: string };
  timings: { total_ms: number; model_ms: number };
  degraded: string[];
}

describe("POST /v1/score/batch — happy", () => {
  it("answers in request order", async () => {
    const txs = Array.from({ length: 25 }, () => transaction());
    const res = await postJson("/v1/score/batch", { transactions: txs });
    expect(res.status).toBe(200);
    const body = await res.json<BatchBody>();
    expect(body.results.map((r) => r.transaction_id)).toEqual(txs.map((t) => t.transaction_id));
    for (const r of body.results) expect("score" in r).toBe(true);
  });

  it("scores each item as the single route would (same model, same features)", async () => {
    const tx = transaction({ customer: undefined, device: undefined });
    const single = await (await postJson("/v1/score", { ...tx, transaction_id: "txn_cmp_single", card: { fingerprint: "fp_cmp_1" } })).json<{ score: number }>();
    const batch = await (
      await postJson("/v1/score/batch", { transactions: [{ ...tx, transaction_id: "txn_cmp_batch", card: { fingerprint: "fp_cmp_2" } }] })
    ).json<BatchBody>();
    expect((batch.results[0] as { score: number }).score).toBeCloseTo(single.score, 6);
  });

  it("takes 1000 items", async () => {
    const txs = Array.from({ length: 1000 }, () => transaction());
    const res = await postJson("/v1/score/batch", { transactions: txs });
    expect(res.status).toBe(200);
    const body = await res.json<BatchBody>();
    expect(body.results).toHaveLength(1000);
  });
});

describe("POST /v1/score/batch — errors", () => {
  it("an invalid item gets its own error and does not fail the others", async () => {
    const good1 = transaction();
    const good2 = transaction();
    const res = await postJson("/v1/score/batch", {
      transactions: [good1, { ...transaction(), amount: 1.5 }, good2, { ...transaction(), card: { fingerprint: "4111111111111111" } }],
    });
    expect(res.status).toBe(200);
    const body = await res.json<BatchBody>();
    expect(body.results).toHaveLength(4);
    expect(body.results[0]!.transaction_id).toBe(good1.transaction_id);
    expect(body.results[2]!.transaction_id).toBe(good2.transaction_id);
    const bad = body.results[1] as { error: ProblemBody };
    expect(bad.error.code).toBe("validation_failed");
    expect(bad.error.errors!.map((e) => e.path)).toEqual(["transactions[1].amount"]);
    const pan = body.results[3] as { error: ProblemBody };
    expect(pan.error.code).toBe("pan_detected");
    expect(pan.error.errors!.map((e) => e.path)).toEqual(["transactions[3].card.fingerprint"]);
    expect(JSON.stringify(body)).not.toContain("4111111111111111");
  });

  it("400 for more than 1000 items, an empty list, or no list", async () => {
    for (const body of [{ transactions: Array.from({ length: 1001 }, () => ({})) }, { transactions: [] }, {}, { transactions: "x" }]) {
      const res = await postJson("/v1/score/batch", body);
      expect(res.status).toBe(400);
      const p = await res.json<ProblemBody>();
      expect(p.code).toBe("validation_failed");
      expect(p.errors![0]!.path).toBe("transactions");
    }
  });

  it("a non-object item is an item error, not a batch error", async () => {
    const res = await postJson("/v1/score/batch", { transactions: [transaction(), 42, null, "txn"] });
    expect(res.status).toBe(200);
    const body = await res.json<BatchBody>();
    expect("score" in body.results[0]!).toBe(true);
    for (const r of body.results.slice(1)) expect((r as { error: ProblemBody }).error.code).toBe("validation_failed");
  });
});
