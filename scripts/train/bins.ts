/**
 * Quantile binning for histogram tree growth. Every threshold is a float32 value and a value's bin is decided
 * by `x <= threshold` on float32 inputs — exactly ONNX Runtime's BRANCH_LEQ test — so a split on "bin <= b" in
 * training is the same test as "x <= thresholds[b]" in the exported model, bit for bit.
 */
import { binOf } from "../../src/analytics/histogram";
export interface BinMapper {
  /** Per feature, ascending float32 thresholds; a feature has thresholds.length + 1 bins. */
  thresholds: Float32Array[];
}

/** A float32 strictly below `hi` and not below `lo` (both float32, lo < hi): the cut between them. */
export function float32Cut(lo: number, hi: number): number {
  const mid = Math.fround(lo + (hi - lo) / 2);
  return mid >= hi ? lo : mid;
}

/**
 * Up to `maxBins` bins per feature from a deterministic sample of `rows`: one bin per distinct value when there
 * are few, else cuts at quantiles of the distinct-value-aware sorted sample.
 */
export function fitBins(X: Float32Array, features: number, rows: Int32Array, maxBins = 255, sampleSize = 200_000): BinMapper {
  if (maxBins < 2 || maxBins > 256) throw new Error("maxBins must be in [2, 256]");
  const stride = Math.max(1, Math.floor(rows.length / sampleSize));
  const m = Math.ceil(rows.length / stride);
  const values = new Float32Array(m);
  const thresholds: Float32Array[] = [];
  for (let f = 0; f < features; f++) {
    for (let k = 0, i = 0; i < rows.length; i += stride, k++) values[k] = X[rows[i]! * features + f]!;
    values.sort();
    const distinct: number[] = [];
    const counts: number[] = [];
    for (let k = 0; k < m; k++) {
      const v = values[k]!;
      if (distinct.length > 0 && distinct[distinct.length - 1] === v) counts[counts.length - 1]!++;
      else {
        distinct.push(v);
        counts.push(1);
      }
    }
    const cuts: number[] = [];
    if (distinct.length <= maxBins) {
      for (let k = 0; k + 1 < distinct.length; k++) cuts.push(float32Cut(distinct[k]!, distinct[k + 1]!));
    } else {
      // Walk the distinct values, closing a bin once it holds its share of the remaining rows.
      let remaining = m;
      let binsLeft = maxBins;
      let inBin = 0;
      for (let k = 0; k + 1 < distinct.length && binsLeft > 1; k++) {
        inBin += counts[k]!;
        if (inBin >= remaining / binsLeft) {
          cuts.push(float32Cut(distinct[k]!, distinct[k + 1]!));
          remaining -= inBin;
          binsLeft--;
          inBin = 0;
        }
      }
    }
    thresholds.push(Float32Array.from(cuts));
  }
  return { thresholds };
}

/**
 * The bin of `x`: the number of thresholds strictly below it, i.e. the first b with x <= thresholds[b] — the
 * same rule as the model card's histograms (and ONNX's BRANCH_LEQ).
 */
export { binOf } from "../../src/analytics/histogram";

/** Row-major bins (rows.length × features) of the given rows. */
export function binRows(mapper: BinMapper, X: Float32Array, features: number, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length * features);
  for (let k = 0; k < rows.length; k++) {
    const base = rows[k]! * features;
    for (let f = 0; f < features; f++) out[k * features + f] = binOf(mapper.thresholds[f]!, X[base + f]!);
  }
  return out;
}
