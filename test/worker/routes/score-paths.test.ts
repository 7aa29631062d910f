import { describe, expect, it } from "vitest";
import { postJson, transaction } from "../helpers";

interface Scored {
  transaction_id: string;
  score: number;
  decision: string;
  risk_level: string;
  reasons: { code: string; feature: string; value: number }[];
  model: unknown;
  degraded: string[];
}

/**
 * One pipeline behind both score routes (src/pipeline/run.ts): the same transaction on the same history gets the
 * same answer whether it comes alone or as a batch of one. The two sides use separate entities with the same
 * history, made a moment apart at the scorer's own receive times: figures measured since the last transaction
 * differ by those milliseconds, so scores and values are compared to two decimals, codes exactly.
 */
describe("POST /v1/score and POST /v1/score/batch run one pipeline", () => {
  it("a batch of one answers what a single score answers, for the same history", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const side = (name: string, i: number) => ({
      card: { fingerprint: `fp_paths_${run}_${name}`, bin: "424242", country: "US" },
      customer: { id: `cus_paths_${run}_${name}`, email_domain: "example.com", account_age_days: 3 },
      device: { id: `dev_paths_${run}_${name}`, ip: `198.51.100.${name === "single" ? 21 : name === "batch" ? 22 : 23}`, ip_country: "GB", asn: 7922 },
      transaction_id: `txn_paths_${run}_${name}_${i}`,
    });
    const last = (name: string) => transaction({ ...side(name, 3), amount: 89_900, shipping_country: "NG" });
    const history = async (name: string) => {
      for (const i of [0, 1, 2]) expect((await postJson("/v1/score", transaction({ ...side(name, i), amount: 2_000 + i * 15_000 }))).status).toBe(200);
    };

    await history("single");
    const single = await (await postJson("/v1/score", last("single"))).json<Scored>();
    await history("batch");
    const batchRes = await postJson("/v1/score/batch", { transactions: [last("batch")] });
    expect(batchRes.status).toBe(200);
    const [batched] = (await batchRes.json<{ results: Scored[] }>()).results;

    expect(batched!.score).toBeCloseTo(single.score, 2);
    expect({ decision: batched!.decision, risk: batched!.risk_level, model: batched!.model, degraded: batched!.degraded }).toEqual({
      decision: single.decision,
      risk: single.risk_level,
      model: single.model,
      degraded: single.degraded,
    });
    expect(batched!.reasons.map((r) => [r.code, r.feature])).toEqual(single.reasons.map((r) => [r.code, r.feature]));
    batched!.reasons.forEach((r, i) => expect(r.value).toBeCloseTo(single.reasons[i]!.value, 2));
    expect(single.degraded).toEqual([]);
    // The history counts: the same payment on entities never seen scores differently, so the comparison above
    // covers the behavioural features, not just the transaction's own.
    const fresh = await (await postJson("/v1/score", last("fresh"))).json<Scored>();
    expect(Math.abs(fresh.score - single.score)).toBeGreaterThan(0.01);
  });
});
