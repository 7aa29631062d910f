import { FEATURE_NAMES } from "../../src/features";
import { Rng } from "../data/prng";
import type { Dataset } from "./dataset";

/**
 * A fixed set of feature vectors from the test period with the trainer's scores: the scoring Worker's parity
 * test runs them through ONNX Runtime Web and expects the same numbers. Fraud rows are over-represented so
 * high scores — where the thresholds sit — are covered.
 */
export interface ReferenceFile {
  model: { id: string; version: string };
  feature_names: string[];
  rows: { features: number[]; score: number }[];
}

export function referenceRows(
  ds: Dataset,
  test: Int32Array,
  scores: ArrayLike<number>,
  seed: number,
  model: { id: string; version: string },
  count = { any: 150, fraud: 50 },
): ReferenceFile {
  const rng = new Rng(seed ^ 0x5ef5);
  const fraud: number[] = [];
  for (let k = 0; k < test.length; k++) if (ds.y[test[k]!] === 1) fraud.push(k);
  const chosen = new Set<number>();
  for (let i = 0; i < count.fraud && fraud.length > 0; i++) chosen.add(rng.pick(fraud));
  while (chosen.size < Math.min(test.length, count.any + count.fraud)) chosen.add(rng.int(0, test.length - 1));
  const rows = [...chosen].sort((a, b) => a - b).map((k) => {
    const r = test[k]!;
    return { features: Array.from(ds.X.subarray(r * ds.features, (r + 1) * ds.features)), score: scores[k]! };
  });
  return { model, feature_names: [...FEATURE_NAMES], rows };
}
