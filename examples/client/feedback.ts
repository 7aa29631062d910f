/**
 * Reporting what transactions turned out to be: a chargeback arrives, the merchant labels the transaction fraud.
 * The label feeds the review queue, retraining and the network's memory of confirmed fraud (docs/feedback.md).
 *
 *   npx tsx examples/client/feedback.ts
 */
import type { FraudScorer } from "../../client/src/index";
import { sampleTransaction } from "./checkout";
import { scorerFromEnv } from "./env";

export async function reportChargeback(scorer: FraudScorer, transactionId: string, reasonCode = "10.4"): Promise<string> {
  const { results } = await scorer.feedback([{ transaction_id: transactionId, label: "fraud", source: "chargeback", reason_code: reasonCode, learnt_at: new Date().toISOString() }]);
  const [r] = results;
  if (!r || "error" in r) throw new Error(`label refused: ${JSON.stringify(r)}`);
  return r.status;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scorer = scorerFromEnv();
  const tx = sampleTransaction();
  const scored = await scorer.score(tx);
  console.log(`feedback: scored ${tx.transaction_id}: ${scored.score} (${scored.decision})`);
  console.log(`feedback: chargeback reported → ${await reportChargeback(scorer, tx.transaction_id)}`);
  console.log(`feedback: reported again → ${await reportChargeback(scorer, tx.transaction_id)}`);
}
