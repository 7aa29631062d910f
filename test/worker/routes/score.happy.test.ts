import { describe, expect, it } from "vitest";
import { postJson, transaction } from "../helpers";

interface ScoreBody {
  transaction_id: string;
  score: number;
  risk_level: string;
  decision: string;
  reasons: { code: string; feature: string; value: number; impact: number }[];
  model: { id: string; version: string };
  timings: { total_ms: number; model_ms: number };
  degraded: string[];
}

describe("POST /v1/score — happy paths", () => {
  it("scores a transaction and explains the decision", async () => {
    const tx = transaction();
    const res = await postJson("/v1/score", tx);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = await res.json<ScoreBody>();
    expect(body.transaction_id).toBe(tx.transaction_id);
    expect(body.score).toBeGreaterThanOrEqual(0);
    expect(body.score).toBeLessThanOrEqual(1);
    expect(["approve", "review", "decline"]).toContain(body.decision);
    expect(["low", "elevated", "high"]).toContain(body.risk_level);
    expect(body.model.id).toBe("fraud-gbdt");
    expect(body.timings.total_ms).toBeGreaterThanOrEqual(body.timings.model_ms);
    for (const r of body.reasons) {
      expect(r.impact).toBeGreaterThan(0);
      expect(typeof r.code).toBe("string");
    }
    // Reasons are sorted by impact, largest first.
    expect(body.reasons.map((r) => r.impact)).toEqual([...body.reasons.map((r) => r.impact)].sort((a, b) => b - a));
  });

  it("accepts the minimal transaction (required fields only)", async () => {
    const res = await postJson("/v1/score", {
      transaction_id: "txn_minimal_1",
      amount: 100,
      currency: "EUR",
      merchant: { id: "m_test" },
      card: { fingerprint: "fp_minimal" },
    });
    expect(res.status).toBe(200);
  });
});
