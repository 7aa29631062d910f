import type { Decision, RiskLevel } from "../schemas/score";

/**
 * Test mode, like Stripe's test cards: with a test-mode key (sk_test_/pk_test_), these card fingerprints force an
 * outcome, so a merchant can exercise every branch of an integration without knowing what the model will say.
 * A live key never gets them (and a production deployment accepts live keys only: docs/auth.md). The score and the
 * reasons are still the model's; the decision and risk level are the card's.
 */
export const TEST_CARDS: Readonly<Record<string, { decision: Decision; risk_level: RiskLevel; request3ds?: boolean }>> = {
  card_fp_test_approve: { decision: "approve", risk_level: "low" },
  card_fp_test_review: { decision: "review", risk_level: "elevated" },
  card_fp_test_decline: { decision: "decline", risk_level: "high" },
  card_fp_test_3ds: { decision: "approve", risk_level: "elevated", request3ds: true },
};

export function testCard(fingerprint: string, testMode: boolean): (typeof TEST_CARDS)[string] | undefined {
  return testMode && Object.hasOwn(TEST_CARDS, fingerprint) ? TEST_CARDS[fingerprint] : undefined;
}
