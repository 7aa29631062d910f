import { notProvided, reasonCode } from "../features";
import type { ModelCard } from "../model/card";
import { round6 } from "../utils/round";

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
 * Reasons are measured, not guessed: for each feature whose value differs from its training reference (the
 * median among legitimate rows), the row is re-scored with that one feature set to the reference. The score drop
 * is the feature's impact. The variants of every row go to the model in the same call as the rows themselves.
 */
export interface ReasonPlan {
  /** Feature index of each variant row, per original row. */
  variants: number[][];
  rowCount: number;
  /** What each variant set its feature to. */
  reference: Float32Array;
}

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

/** Appends the variant rows after the `n` original rows in one tensor buffer. */
export function withReasonVariants(rows: Float32Array, width: number, reference: Float32Array): { all: Float32Array; plan: ReasonPlan } {
  const n = rows.length / width;
  const variants: number[][] = [];
  let extra = 0;
  for (let r = 0; r < n; r++) {
    const idx: number[] = [];
    for (let f = 0; f < width; f++) if (rows[r * width + f] !== reference[f]) idx.push(f);
    variants.push(idx);
    extra += idx.length;
  }
  const all = new Float32Array((n + extra) * width);
  all.set(rows);
  let at = n;
  for (let r = 0; r < n; r++) {
    for (const f of variants[r]!) {
      all.set(rows.subarray(r * width, (r + 1) * width), at * width);
      all[at * width + f] = reference[f]!;
      at++;
    }
  }
  return { all, plan: { variants, rowCount: n, reference } };
}

/** The top contributors of each row, from the scores of the call made with `withReasonVariants`. */
export function reasonsFrom(scores: Float32Array, rows: Float32Array, plan: ReasonPlan, card: ModelCard): Reason[][] {
  const width = card.features.length;
  const { reference } = plan;
  const presence = presenceColumns(card);
  let at = plan.rowCount;
  return plan.variants.map((idx, r) => {
    const base = scores[r]!;
    const row = rows.subarray(r * width, (r + 1) * width);
    const found: Reason[] = [];
    for (const f of idx) {
      const impact = base - scores[at++]!;
      if (impact > MIN_IMPACT) {
        const info = card.features[f]!;
        const absent = info.entity !== undefined && row[presence.get(info.entity)!]! < 0;
        const code = absent ? notProvided(info.entity!) : reasonCode(info.reason, row[f]!, reference[f]!);
        found.push({ code, feature: info.name, value: round6(row[f]!), impact: round6(impact) });
      }
    }
    return found.sort((a, b) => b.impact - a.impact).slice(0, MAX_REASONS);
  });
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
