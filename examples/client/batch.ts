/**
 * Scoring stored transactions in batches (up to 1000 a call; a nightly job, an import): each result is in its
 * transaction's place, an invalid one an error entry that names its field. Every transaction counts against the
 * key's rate limit (the demo key: 100 a minute), so a big import wants a key with a bigger one — or
 * `npm run score-file`, which paces itself on 429s.
 *
 *   npx tsx examples/client/batch.ts
 */
import type { FraudScorer, Transaction } from "../../client/src/index";
import { sampleTransaction } from "./checkout";
import { scorerFromEnv } from "./env";

export async function scoreAll(scorer: FraudScorer, txs: Transaction[], size = 100): Promise<{ scored: number; declined: string[]; errors: { transaction_id?: string; code: string; field?: string }[] }> {
  const out = { scored: 0, declined: [] as string[], errors: [] as { transaction_id?: string; code: string; field?: string }[] };
  for (let at = 0; at < txs.length; at += size) {
    const { results } = await scorer.scoreBatch(txs.slice(at, at + size));
    for (const r of results) {
      if ("error" in r) out.errors.push({ ...(r.transaction_id && { transaction_id: r.transaction_id }), code: r.error.code, ...(r.error.errors?.[0] && { field: r.error.errors[0].path }) });
      else {
        out.scored++;
        if (r.decision === "decline") out.declined.push(r.transaction_id);
      }
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Stored data is not always valid: the types refuse "usd", so one such row is slipped in as an import would.
  const txs = Array.from({ length: 60 }, (_, i) => sampleTransaction(i === 3 ? ({ currency: "usd" } as unknown as Partial<Transaction>) : {}));
  console.log("batch:", await scoreAll(scorerFromEnv(), txs));
}
