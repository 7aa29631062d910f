import { binOf } from "../../src/analytics/histogram";
import type { Histogram } from "../../src/model/card";

/**
 * Training baselines for the model card: each feature's neutral value and distribution, and the score's
 * distribution, in the card's histogram convention (src/model/card.ts): bin i holds edges[i-1] < v <= edges[i].
 */
export function median(values: Float32Array | Float64Array): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function histogram(values: ArrayLike<number>, edges: readonly number[]): Histogram {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(edges, values[i]!)]!++;
  const n = Math.max(1, values.length);
  return { edges: [...edges], proportions: counts.map((c) => c / n) };
}

/**
 * Edges for a feature: its distinct values when there are few (flags, small counts), else its 5%…95% quantiles
 * without duplicates. Edges are the data's own float32 values, so the features the Worker computes fall in
 * the same bins as the training rows did.
 */
export function featureEdges(values: Float32Array, maxDistinct = 20): number[] {
  const s = Float32Array.from(values).sort();
  const distinct: number[] = [];
  for (const v of s) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) {
    distinct.push(v);
    if (distinct.length > maxDistinct) break;
  }
  if (distinct.length <= maxDistinct) return distinct.slice(0, -1);
  const edges: number[] = [];
  for (let q = 1; q < 20; q++) {
    const v = s[Math.min(s.length - 1, Math.floor((q / 20) * s.length))]!;
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
  }
  // a top edge equal to the maximum would leave the last bin empty by construction
  if (edges.length > 0 && edges[edges.length - 1] === s[s.length - 1]) edges.pop();
  return edges;
}

/** Score histogram edges: finer where the decisions are made. */
export const SCORE_EDGES = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9];
