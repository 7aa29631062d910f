import type { Decision, RiskLevel } from "../schemas/score";

/** Thresholds (the model card's, or a merchant's own) turn a score into an action: below review approve, from decline on decline. */
export function decide(score: number, thresholds: { review: number; decline: number }): { decision: Decision; risk_level: RiskLevel } {
  if (score >= thresholds.decline) return { decision: "decline", risk_level: "high" };
  if (score >= thresholds.review) return { decision: "review", risk_level: "elevated" };
  return { decision: "approve", risk_level: "low" };
}
