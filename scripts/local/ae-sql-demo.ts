import { toDataPoints, type DecisionRecord } from "../../src/analytics/decision-points";
import { KEY_FEATURES } from "../../src/analytics/schema";
import type { ModelCard } from "../../src/model/card";
import { decide } from "../../src/scoring/decide";
import type { PointInput } from "./ae-sql";

/**
 * Synthetic decision points for the local AE stand-in, so the exporter, /metrics and the dashboards have
 * something to show under `wrangler dev` (where the scorer's own writes are dropped). Written through the
 * scorer's point builder, one point per transaction, spread over the last `minutes`. Not a traffic model: the
 * scores are skewed low like a fraud model's, decisions follow the card's thresholds.
 */
export function demoPoints(n: number, card: ModelCard, now: number, minutes = 60, seed = 1): PointInput[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const merchants = ["m_demo", "m_shop", "m_travel", "m_games"];
  return Array.from({ length: n }, () => {
    const score = rand() ** 6;
    const record: DecisionRecord = {
      merchant: merchants[Math.floor(rand() ** 2 * merchants.length)]!,
      decision: decide(score, card.thresholds).decision,
      model_version: card.version,
      colo: rand() < 0.6 ? "AMS" : "IAD",
      country: ["US", "GB", "DE", "FR", "BR"][Math.floor(rand() * 5)]!,
      channel: ["web", "app", "moto", "pos"][Math.floor(rand() * 4)]!,
      degraded: "",
      score,
      latency_ms: Math.exp(1 + rand() * 1.5 + (rand() < 0.02 ? 2 : 0)),
      amount_usd: Math.round(Math.exp(2 + rand() * 4) * 100) / 100,
      features: KEY_FEATURES.map(() => rand() * 8),
      model_role: "live",
      shadows: [],
    };
    const [point] = toDataPoints([record], card.baselines.score.edges);
    return { ...point!, timestamp: now - rand() * minutes * 60_000 };
  });
}
