import { FEATURE_COUNT, FEATURES, buildFeatureVector, entityIds, type EntityKind } from "../features";
import type { FraudModel } from "../model/fraud-model";
import type { Degradation, ScoreResult } from "../schemas/score";
import type { FeatureStore, RecordOutcome, StoreItem } from "../store/feature-store";
import { decide } from "./decide";
import { reasonsFrom, referenceVector, withReasonVariants } from "./reasons";

/**
 * The data path of a score, top to bottom: read-and-update behavioural state (one store round trip for all
 * items) → build feature vectors → run the model once for all rows and their reason variants → decide.
 * Validation and authentication happen before; alerts and analytics after the response.
 */
export interface ScoreDeps {
  model: FraudModel;
  store: FeatureStore | undefined;
  /** Counts a failed store call; the score goes on without behavioural state. */
  onStoreError?: (error: unknown) => void;
}

export type ItemOutcome =
  /** `features`: the row the model scored, for what runs after the response (analytics). */
  | { kind: "scored"; result: ScoreResult; features: Float32Array }
  | { kind: "replay"; result: ScoreResult }
  | { kind: "in_progress"; transactionId: string };

export interface ScoreRun {
  outcomes: ItemOutcome[];
  degraded: Degradation[];
  modelMs: number;
}

const BEHAVIOUR_COLUMNS = FEATURES.flatMap((f, i) => (f.group === "behaviour" ? [{ column: i, entity: f.entity as EntityKind }] : []));

export async function scoreItems(items: StoreItem[], deps: ScoreDeps, startedAt: number): Promise<ScoreRun> {
  const degraded: Degradation[] = [];
  const records = await loadStates(items, deps, degraded);

  const { model } = deps;
  const reference = referenceVector(model.card);
  const fresh = items.flatMap((item, i) => (records[i]!.kind === "recorded" ? [i] : []));
  const rows = new Float32Array(fresh.length * FEATURE_COUNT);
  fresh.forEach((i, r) => {
    const record = records[i] as Extract<RecordOutcome, { kind: "recorded" }> | undefined;
    buildFeatureVector(items[i]!.input, record?.states ?? {}, rows, r * FEATURE_COUNT);
    if (degraded.includes("features")) neutraliseBehaviour(rows, r, entityIds(items[i]!.input.tx), reference);
  });

  const modelStart = performance.now();
  const { all, plan } = withReasonVariants(rows, FEATURE_COUNT, reference);
  const scores = fresh.length > 0 ? await model.score(all) : new Float32Array();
  const modelMs = performance.now() - modelStart;
  const reasons = reasonsFrom(scores, rows, plan, model.card);

  const totalMs = performance.now() - startedAt;
  const scored = new Map<number, { result: ScoreResult; features: Float32Array }>();
  fresh.forEach((i, r) => {
    const score = scores[r]!;
    const result: ScoreResult = {
      transaction_id: items[i]!.input.tx.transaction_id,
      score: Math.round(score * 1e6) / 1e6,
      ...decide(score, model.card.thresholds),
      reasons: reasons[r]!,
      model: { id: model.card.id, version: model.card.version },
      timings: { total_ms: round(totalMs), model_ms: round(modelMs) },
      degraded: [...degraded],
    };
    scored.set(i, { result, features: rows.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT) });
  });

  const outcomes = items.map((item, i): ItemOutcome => {
    const record = records[i]!;
    if (record.kind === "replay") return { kind: "replay", result: { ...(record.response as ScoreResult), replayed: true } };
    if (record.kind === "in_progress") return { kind: "in_progress", transactionId: item.input.tx.transaction_id };
    return { kind: "scored", ...scored.get(i)! };
  });
  return { outcomes, degraded, modelMs };
}

/**
 * Without state, the named entities' behaviour takes its training reference (a typical legitimate value). An
 * entity the transaction does not name keeps -1, exactly as in training.
 */
function neutraliseBehaviour(rows: Float32Array, r: number, ids: Partial<Record<EntityKind, string>>, reference: Float32Array): void {
  for (const { column, entity } of BEHAVIOUR_COLUMNS) if (ids[entity] !== undefined) rows[r * FEATURE_COUNT + column] = reference[column]!;
}

/** One round trip to the store; when it fails the score goes on with neutral behaviour and says so. */
async function loadStates(items: StoreItem[], deps: ScoreDeps, degraded: Degradation[]): Promise<RecordOutcome[]> {
  if (deps.store) {
    try {
      return await deps.store.recordAndLoad(items);
    } catch (e) {
      deps.onStoreError?.(e);
    }
  }
  degraded.push("features");
  return items.map(() => ({ kind: "recorded", states: {} }));
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
