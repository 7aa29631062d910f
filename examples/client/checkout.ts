/**
 * A merchant's server at checkout: score the payment before capturing it, act on the decision, and degrade to
 * approve-and-review if the scorer cannot be reached (the checkout must not fail because fraud scoring did).
 *
 *   npx tsx examples/client/checkout.ts          (against npm run dev, or FRAUD_SCORER_URL / _API_KEY)
 */
import { ProblemError, TransportError, type FraudScorer, type Transaction } from "../../client/src/index";
import { newId, scorerFromEnv } from "./env";

export type CheckoutAction = "capture" | "capture_and_review" | "challenge_3ds" | "refuse";

export async function checkout(scorer: FraudScorer, tx: Transaction): Promise<{ action: CheckoutAction; score?: number; reasons: string[] }> {
  try {
    const result = await scorer.score(tx);
    const reasons = result.reasons.map((r) => r.code);
    if (result.decision === "decline") return { action: "refuse", score: result.score, reasons };
    if (result.request_3ds) return { action: "challenge_3ds", score: result.score, reasons };
    return { action: result.decision === "review" ? "capture_and_review" : "capture", score: result.score, reasons };
  } catch (e) {
    // A bad request is ours to fix (the problem names the field); anything else — the scorer down, a rate limit,
    // an earlier attempt still being answered — must not block the sale.
    if (e instanceof ProblemError && e.status < 500 && e.status !== 429 && e.code !== "idempotency_in_progress") throw e;
    if (e instanceof ProblemError || e instanceof TransportError) return { action: "capture_and_review", reasons: ["scorer_unavailable"] };
    throw e;
  }
}

export function sampleTransaction(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transaction_id: newId("txn_example"),
    amount: 8900,
    currency: "USD",
    card: { fingerprint: newId("card_fp_example"), bin: "424242", country: "US" },
    customer: { id: newId("cus_example"), email_domain: "example.com", account_age_days: 210 },
    device: { id: newId("dev_example"), ip: "203.0.113.7", ip_country: "US" },
    billing_country: "US",
    shipping_country: "US",
    channel: "web",
    ...overrides,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scorer = scorerFromEnv();
  const tx = sampleTransaction();
  console.log(`checkout: ${tx.transaction_id} for ${tx.amount} ${tx.currency} →`, await checkout(scorer, tx));
  try {
    await checkout(scorer, sampleTransaction({ amount: -1 }));
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    console.log(`checkout: a bad request is refused with ${e.status} ${e.code}, field ${e.errors[0]?.path}`);
  }
}
