import type { FraudModel } from "../model/fraud-model";
import type { Reason } from "./reasons";
import { explainerFor, reasonsFrom } from "./reasons";

export interface RowScores {
  /** P(fraud) of each row, in order. */
  scores: Float32Array;
  /** Each row's top contributors (reasons.ts). */
  reasons: Reason[][];
  /** Time in the model: the runtime's call and the reasons' attribution. */
  modelMs: number;
}

/**
 * The model's verdict on feature rows (`width` = the card's feature count each): the rows go to the runtime in
 * one call, and their reasons come from the same model's trees.
 */
export async function scoreRows(model: FraudModel, rows: Float32Array): Promise<RowScores> {
  const started = performance.now();
  if (rows.length === 0) return { scores: new Float32Array(), reasons: [], modelMs: 0 };
  const scores = await model.score(rows);
  const explainer = explainerFor(model);
  const phi = explainer.explain(rows, model.width);
  const reasons = reasonsFrom(scores, rows, phi, explainer.referenceMargin, model.card);
  return { scores, reasons, modelMs: performance.now() - started };
}
