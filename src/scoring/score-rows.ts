import type { FraudModel } from "../model/fraud-model";
import type { Reason } from "./reasons";
import { reasonsFrom, referenceVector, withReasonVariants } from "./reasons";

export interface RowScores {
  /** P(fraud) of each row, in order. */
  scores: Float32Array;
  /** Each row's top contributors (reasons.ts). */
  reasons: Reason[][];
  /** Time in the model runtime. */
  modelMs: number;
}

/**
 * The model's verdict on feature rows (`width` = the card's feature count each): every row and its reason
 * variants go to the runtime in one call.
 */
export async function scoreRows(model: FraudModel, rows: Float32Array): Promise<RowScores> {
  const started = performance.now();
  const { all, plan } = withReasonVariants(rows, model.width, referenceVector(model.card));
  const scores = rows.length > 0 ? await model.score(all) : new Float32Array();
  const modelMs = performance.now() - started;
  return { scores, reasons: reasonsFrom(scores, rows, plan, model.card), modelMs };
}
