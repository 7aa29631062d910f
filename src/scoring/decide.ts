import type { Decision, RiskLevel } from "../schemas/score";

/** Thresholds (the model card's, or a merchant's own) turn a score into an action: below review approve, from decline on decline. */
export function decide(score: number, thresholds: { review: number; decline: number }): { decision: Decision; risk_level: RiskLevel } {
  // A model that answers NaN (or ±∞) has failed; comparisons with NaN are all false and would approve.
  if (!Number.isFinite(score)) return { decision: "review", risk_level: "elevated" };
  if (score >= thresholds.decline) return { decision: "decline", risk_level: "high" };
  if (score >= thresholds.review) return { decision: "review", risk_level: "elevated" };
  return { decision: "approve", risk_level: "low" };
}
