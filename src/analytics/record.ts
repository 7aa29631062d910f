import { FEATURE_NAMES, toBehaviourEvent } from "../features";
import type { ItemOutcome, ScoreRun } from "../schemas/outcome";
import type { Degradation } from "../schemas/score";
import type { StoreItem } from "../store/interface";
import { toDataPoints, type DecisionRecord } from "./decision-points";
import { ERROR_DECISION, KEY_FEATURES } from "./schema";
import type { AnalyticsWriter } from "./writer/interface";

const KEY_COLUMNS = KEY_FEATURES.map((f) => FEATURE_NAMES.indexOf(f));

/**
 * What Analytics Engine records of a scoring run: each freshly scored transaction (replays were recorded when
 * first scored). The country is the shopper's network country as the features see it; the amount is in USD so
 * sums across currencies mean something. Key features are read from the row the model scored.
 */
export function decisionRecords(
  items: readonly StoreItem[],
  outcomes: readonly ItemOutcome[],
  degraded: readonly Degradation[],
  shadows: readonly (readonly { version: string; score: number }[])[] = [],
): DecisionRecord[] {
  return outcomes.flatMap((o, i): DecisionRecord[] => {
    if (o.kind !== "scored") return [];
    const { input } = items[i]!;
    const event = toBehaviourEvent(input);
    return [
      {
        merchant: input.tx.merchant.id,
        decision: o.result.decision,
        model_version: o.result.model.version,
        colo: input.edge.colo ?? "",
        country: event.country,
        channel: input.tx.channel ?? "",
        degraded: degraded.join("+"),
        score: o.result.score,
        latency_ms: o.result.timings.total_ms,
        amount_usd: event.amount / 100,
        features: KEY_COLUMNS.map((c) => o.features[c]!),
        model_role: o.result.model.role ?? "live",
        shadows: shadows[i] ?? [],
      },
    ];
  });
}

/** A request that failed (5xx) instead of being scored: counted so error rates can be computed next to decisions. */
export function failureRecord(merchant: string, latencyMs: number, colo: string | undefined): DecisionRecord {
  return {
    merchant,
    decision: ERROR_DECISION,
    model_version: "",
    colo: colo ?? "",
    country: "",
    channel: "",
    degraded: "",
    score: 0,
    latency_ms: latencyMs,
    amount_usd: 0,
    features: null,
    model_role: "",
    shadows: [],
  };
}

/** The records' data points (see toDataPoints for how a large batch fits AE's per-invocation limit), written. */
export async function writeDecisions(writer: AnalyticsWriter, records: readonly DecisionRecord[], scoreEdges: readonly number[]): Promise<void> {
  if (records.length === 0) return;
  await writer.write(toDataPoints(records, scoreEdges));
}

/** A scoring run's data points, written after the response (the card gives the score bins for batch aggregation). */
export async function recordRun(
  writer: AnalyticsWriter,
  model: () => Promise<{ card: { baselines: { score: { edges: number[] } } } }>,
  items: readonly StoreItem[],
  run: Pick<ScoreRun, "outcomes" | "degraded">,
  shadows: readonly (readonly { version: string; score: number }[])[] = [],
): Promise<void> {
  const records = decisionRecords(items, run.outcomes, run.degraded, shadows);
  if (records.length === 0) return;
  const { card } = await model();
  await writeDecisions(writer, records, card.baselines.score.edges);
}
