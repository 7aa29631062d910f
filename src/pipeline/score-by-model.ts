import { FEATURE_COUNT } from "../features";
import type { FraudModel } from "../model/fraud-model";
import type { Reason } from "../scoring/reasons";
import { referenceVector } from "../scoring/reasons";
import { scoreRows } from "../scoring/score-rows";
import type { PipelineDeps } from "./deps";
import type { Chosen } from "./models";
import { featureRows } from "./rows";

/**
 * The model stage's scoring half: each deciding model scores its own items' rows in one call (a run is usually
 * one model; a challenger's share makes two), with its own training reference standing in for behaviour the store
 * could not give. Returns everything in the run's fresh-item order: the rows (what rules, shadows and analytics
 * read), scores and reasons.
 */
export async function scoreByModel(
  entries: Parameters<typeof featureRows>[0],
  chosen: readonly Chosen[],
  neutral: boolean,
  deps: PipelineDeps,
): Promise<{ rows: Float32Array; scores: Float32Array; reasons: Reason[][]; modelMs: number }> {
  const groups = new Map<FraudModel, number[]>();
  chosen.forEach((c, r) => {
    const g = groups.get(c.model);
    if (g) g.push(r);
    else groups.set(c.model, [r]);
  });
  if (groups.size <= 1) {
    const model = chosen[0]?.model ?? (await deps.models.fallback());
    const rows = featureRows(entries, neutral, referenceVector(model.card));
    return { rows, ...(await leased(deps, model, () => scoreRows(model, rows))) };
  }
  const rows = new Float32Array(entries.length * FEATURE_COUNT);
  const scores = new Float32Array(entries.length);
  const reasons: Reason[][] = new Array(entries.length);
  let modelMs = 0;
  for (const [model, at] of groups) {
    const own = featureRows(at.map((r) => entries[r]!), neutral, referenceVector(model.card));
    const out = await leased(deps, model, () => scoreRows(model, own));
    at.forEach((r, k) => {
      rows.set(own.subarray(k * FEATURE_COUNT, (k + 1) * FEATURE_COUNT), r * FEATURE_COUNT);
      scores[r] = out.scores[k]!;
      reasons[r] = out.reasons[k]!;
    });
    modelMs += out.modelMs;
  }
  return { rows, scores, reasons, modelMs };
}

/** A model in use is never released by the pool's cap until its call is done. */
async function leased<T>(deps: PipelineDeps, model: FraudModel, call: () => Promise<T>): Promise<T> {
  deps.models.lease(model);
  try {
    return await call();
  } finally {
    deps.models.unlease(model);
  }
}

