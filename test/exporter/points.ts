import type { DecisionRecord } from "../../src/analytics/decision-points";
import { KEY_FEATURES } from "../../src/analytics/schema";

export type AnalyticsEngineDataPointLike = AnalyticsEngineDataPoint;

/** A small deterministic PRNG, so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible decision record; scores are spread over [0, 1) so every score bin gets some. */
export function record(rand: () => number, merchant: string, modelVersion: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  const score = rand();
  return {
    merchant,
    decision: score >= 0.8 ? "decline" : score >= 0.3 ? "review" : "approve",
    model_version: modelVersion,
    colo: rand() < 0.5 ? "AMS" : "IAD",
    country: ["US", "GB", "FR", "BR"][Math.floor(rand() * 4)]!,
    channel: ["web", "app", "moto", "pos"][Math.floor(rand() * 4)]!,
    degraded: "",
    score,
    latency_ms: 0.5 + rand() * rand() * 40,
    amount_usd: Math.round(rand() * 50_000) / 100,
    features: KEY_FEATURES.map(() => rand() * 10 - 1),
    model_role: "live",
    shadows: [],
    ...overrides,
  };
}
