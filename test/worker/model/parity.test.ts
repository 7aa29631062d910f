import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../../../src/features";
import { defaultModel } from "../../../src/model/default-model";
import { explainerFor } from "../../../src/scoring/reasons";
import reference from "../../../models/fraud-gbdt.reference.json";

/**
 * The model as the Worker runs it (ONNX Runtime Web, WASM, inside workerd) must give the training pipeline's own
 * scores for the pipeline's reference vectors (models/fraud-gbdt.reference.json, written by `npm run train`).
 */
describe("model parity with the training pipeline", () => {
  it("was exported for this build's features, in this order", () => {
    expect(reference.feature_names).toEqual(FEATURE_NAMES);
  });

  it("scores every reference vector within 1e-5, in one batched call", async () => {
    const model = await defaultModel();
    expect(model.card.version).toBe(reference.model.version);
    const rows = new Float32Array(reference.rows.flatMap((r) => r.features));
    const scores = await model.score(rows);
    expect(scores).toHaveLength(reference.rows.length);
    let maxDiff = 0;
    reference.rows.forEach((r, i) => (maxDiff = Math.max(maxDiff, Math.abs(scores[i]! - r.score))));
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    // The set is not degenerate: it spans low and high scores.
    const s = reference.rows.map((r) => r.score);
    expect(Math.min(...s)).toBeLessThan(0.05);
    expect(Math.max(...s)).toBeGreaterThan(0.5);
  });

  it("scores one row the same alone as within a batch", async () => {
    const model = await defaultModel();
    const one = await model.score(new Float32Array(reference.rows[0]!.features));
    expect(one[0]).toBeCloseTo(reference.rows[0]!.score, 5);
  });

  it("the reasons explain the runtime's own score: the reference's log-odds plus the contributions is its logit", async () => {
    const model = await defaultModel();
    const rows = new Float32Array(reference.rows.flatMap((r) => r.features));
    const scores = await model.score(rows);
    const explainer = explainerFor(model);
    const phi = explainer.explain(rows, model.width);
    let maxDiff = 0;
    scores.forEach((p, i) => {
      const sum = phi.subarray(i * model.width, (i + 1) * model.width).reduce((a, b) => a + b, 0);
      // Compared in probability: a float32 score near 0 or 1 has few bits of log-odds left.
      maxDiff = Math.max(maxDiff, Math.abs(1 / (1 + Math.exp(-(explainer.referenceMargin + sum))) - p));
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });
});
