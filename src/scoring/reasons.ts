import { notProvided, reasonCode } from "../features";
import type { ModelCard } from "../model/card";
import type { FraudModel } from "../model/fraud-model";
import { round6 } from "../utils/round";
import { BaselineShapley } from "./attribution";

export interface Reason {
  code: string;
  feature: string;
  value: number;
  impact: number;
}

/** How many contributors a response lists, and the smallest impact worth reporting. */
export const MAX_REASONS = 4;
const MIN_IMPACT = 1e-4;

/**
 * Reasons are measured, not guessed: each feature's exact Shapley value (attribution.ts) against the training
 * reference row (every feature at its median among legitimate rows), computed from the model's own trees. In
 * log-odds the values sum to the row's log-odds minus the reference's; an impact is the feature's share of the
 * probability gap, `score − reference score`, in that proportion — so a response's impacts add up to how far the
 * transaction sits above (or below) a typical legitimate one.
 */
export function explainerFor(model: FraudModel): BaselineShapley {
  let explainer = explainers.get(model);
  if (!explainer) explainers.set(model, (explainer = new BaselineShapley(model.trees, referenceVector(model.card))));
  return explainer;
}
const explainers = new WeakMap<FraudModel, BaselineShapley>();

/** The card's references in input order; built once per loaded card, not per request. */
export function referenceVector(card: ModelCard): Float32Array {
  let reference = referenceByCard.get(card);
  if (!reference) {
    reference = Float32Array.from(card.features, (f) => card.baselines.reference[f.name] ?? 0);
    referenceByCard.set(card, reference);
  }
  return reference;
}
const referenceByCard = new WeakMap<ModelCard, Float32Array>();

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

/**
 * The top contributors of each row: `phi` holds each row's Shapley values in log-odds (row-major, like `rows`),
 * `scores` each row's P(fraud), `referenceMargin` the reference row's log-odds.
 */
export function reasonsFrom(scores: Float32Array, rows: Float32Array, phi: Float64Array, referenceMargin: number, card: ModelCard): Reason[][] {
  const width = card.features.length;
  const reference = referenceVector(card);
  const presence = presenceColumns(card);
  const referenceScore = sigmoid(referenceMargin);
  const out: Reason[][] = [];
  for (let r = 0; r < scores.length; r++) {
    const at = r * width;
    const p = scores[r]!;
    let gap = 0;
    for (let f = 0; f < width; f++) gap += phi[at + f]!;
    // Log-odds to probability, in proportion; where the gap vanishes, the slope of the sigmoid at the score.
    const scale = Math.abs(gap) > 1e-9 ? (p - referenceScore) / gap : p * (1 - p);
    const found: Reason[] = [];
    for (let f = 0; f < width; f++) {
      const impact = phi[at + f]! * scale;
      if (!(impact > MIN_IMPACT)) continue;
      const info = card.features[f]!;
      const value = rows[at + f]!;
      const absent = info.entity !== undefined && rows[at + presence.get(info.entity)!]! < 0;
      const code = absent ? notProvided(info.entity!) : reasonCode(info.reason, value, reference[f]!);
      found.push({ code, feature: info.name, value: round6(value), impact: round6(impact) });
    }
    out.push(found.sort((a, b) => b.impact - a.impact).slice(0, MAX_REASONS));
  }
  return out;
}

/**
 * Per entity, a column that is -1 only when the transaction did not name the entity: its 7-day count (a named
 * entity's is 0 or more). Other -1s — "first seen", "no device" — are values with codes of their own.
 */
function presenceColumns(card: ModelCard): Map<string, number> {
  let columns = presenceByCard.get(card);
  if (!columns) {
    columns = new Map();
    for (const [i, f] of card.features.entries()) if (f.entity !== undefined && f.name === `${f.entity}_count_7d`) columns.set(f.entity, i);
    presenceByCard.set(card, columns);
  }
  return columns;
}
const presenceByCard = new WeakMap<ModelCard, Map<string, number>>();
