import type { ModelCard } from "../model/card";
import type { Decision, RiskLevel } from "../schemas/score";

/** The card's thresholds turn a score into an action: below review approve, from decline on decline. */
export function decide(score: number, thresholds: ModelCard["thresholds"]): { decision: Decision; risk_level: RiskLevel } {
  if (score >= thresholds.decline) return { decision: "decline", risk_level: "high" };
  if (score >= thresholds.review) return { decision: "review", risk_level: "elevated" };
  return { decision: "approve", risk_level: "low" };
}
