import { describe, expect, it } from "vitest";
import { postJson, transaction } from "../helpers";

interface Scored {
  transaction_id: string;
  score: number;
  decision: string;
  risk_level: string;
  reasons: unknown[];
  model: unknown;
  degraded: string[];
}

/**
 * One pipeline behind both score routes (src/pipeline/run.ts): the same transaction on the same history gets the
 * same answer whether it comes alone or as a batch of one. The two sides use separate entities with identical
 * histories, so neither sees the other's transactions.
 */
describe("POST /v1/score and POST /v1/score/batch run one pipeline", () => {
  it("a batch of one answers exactly what a single score answers, for the same history", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const side = (name: string, i: number) => ({
      card: { fingerprint: `fp_paths_${run}_${name}`, bin: "424242", country: "US" },
      customer: { id: `cus_paths_${run}_${name}`, email_domain: "example.com", account_age_days: 3 },
      device: { id: `dev_paths_${run}_${name}`, ip: name === "single" ? "198.51.100.21" : "198.51.100.22", ip_country: "GB", asn: 7922 },
      transaction_id: `txn_paths_${run}_${name}_${i}`,
    });
    // The same three earlier payments on each side, then the one compared.
    for (const name of ["single", "batch"]) {
      for (const [i, minutesAgo] of [[0, 50], [1, 20], [2, 3]] as const) {
        const res = await postJson("/v1/score", transaction({ ...side(name, i), amount: 2_000 + i * 15_000, created_at: at(minutesAgo) }));
        expect(res.status).toBe(200);
      }
    }
    const last = (name: string) => transaction({ ...side(name, 3), amount: 89_900, shipping_country: "NG", created_at: at(1) });

    const single = await (await postJson("/v1/score", last("single"))).json<Scored>();
    const batchRes = await postJson("/v1/score/batch", { transactions: [last("batch")] });
    expect(batchRes.status).toBe(200);
    const [batched] = (await batchRes.json<{ results: Scored[] }>()).results;

    const answer = ({ score, decision, risk_level, reasons, model, degraded }: Scored) => ({ score, decision, risk_level, reasons, model, degraded });
    expect(answer(batched!)).toEqual(answer(single));
    expect(single.degraded).toEqual([]);
    // The history counts: the same payment on entities never seen scores differently, so the comparison above
    // covers the behavioural features, not just the transaction's own.
    const fresh = await (await postJson("/v1/score", last("fresh"))).json<Scored>();
    expect(fresh.score).not.toBe(single.score);
  });
});
