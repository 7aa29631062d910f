import { FEATURE_COUNT } from "../features";
import type { FraudModel } from "../model/fraud-model";
import type { Reason } from "../scoring/reasons";
import { referenceVector } from "../scoring/reasons";
import { scoreRows } from "../scoring/score-rows";
import type { PipelineDeps } from "./deps";
import type { Degradation } from "../schemas/score";
import type { Chosen } from "./models";
import { featureRows } from "./rows";

/**
 * The model stage's scoring half: each deciding model scores its own items' rows in one call (a run is usually
 * one model; a challenger's share makes two), with its own training reference standing in for behaviour the store
 * could not give. A published model that fails to score (its session broken) gives way to the bundled one for
 * its items, which are then `fallback` and the run `model_registry`. Returns everything in the run's fresh-item
 * order: the rows (what rules, shadows and analytics read), scores and reasons. `chosen` roles are updated.
 */
export async function scoreByModel(
  entries: Parameters<typeof featureRows>[0],
  chosen: Chosen[],
  neutral: boolean,
  deps: PipelineDeps,
  degraded: Degradation[],
): Promise<{ rows: Float32Array; scores: Float32Array; reasons: Reason[][]; modelMs: number }> {
  const groups = new Map<FraudModel, number[]>();
  chosen.forEach((c, r) => {
    const g = groups.get(c.model);
    if (g) g.push(r);
    else groups.set(c.model, [r]);
  });
  const rows = new Float32Array(entries.length * FEATURE_COUNT);
  const scores = new Float32Array(entries.length);
  const reasons: Reason[][] = new Array(entries.length);
  let modelMs = 0;
  for (const [model, at] of groups) {
    const own = groups.size === 1 ? entries : at.map((r) => entries[r]!);
    let out: { rows: Float32Array; scored: Awaited<ReturnType<typeof scoreRows>> };
    try {
      out = await scoreWith(model, own, neutral);
    } catch (e) {
      const bundled = await deps.models.fallback();
      if (model === bundled) throw e;
      console.error(`model ${model.card.version}: scoring failed (${e instanceof Error ? e.message : String(e)}); the bundled model decides`);
      out = await scoreWith(bundled, own, neutral);
      for (const r of at) chosen[r] = { model: bundled, role: "fallback" };
      if (!degraded.includes("model_registry")) degraded.push("model_registry");
    }
    if (groups.size === 1) return { rows: out.rows, ...out.scored };
    at.forEach((r, k) => {
      rows.set(out.rows.subarray(k * FEATURE_COUNT, (k + 1) * FEATURE_COUNT), r * FEATURE_COUNT);
      scores[r] = out.scored.scores[k]!;
      reasons[r] = out.scored.reasons[k]!;
    });
    modelMs += out.scored.modelMs;
  }
  return { rows, scores, reasons, modelMs };
}

async function scoreWith(model: FraudModel, entries: Parameters<typeof featureRows>[0], neutral: boolean) {
  const rows = featureRows(entries, neutral, referenceVector(model.card));
  return { rows, scored: await scoreRows(model, rows) };
}
