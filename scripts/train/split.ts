import { DAY_MS } from "../../src/features/state";
import { Rng } from "../data/prng";
import type { Dataset } from "./dataset";

/**
 * Time-based split. The first days only warm the behavioural state up (their 7-day windows are still filling),
 * then the rest is cut in time order: train, validation, test — the model is always judged on the future.
 * Legitimate training rows are downsampled and reweighted by the inverse rate, so the weighted training set
 * still has the stream's fraud rate (the model's scores stay calibrated probabilities).
 */
export interface SplitOptions {
  warmupDays: number;
  trainShare: number;
  validationShare: number;
  /** Share of legitimate training rows kept (1 = all). */
  negativeRate: number;
  seed: number;
}

export interface Split {
  /** Every row of the training period (for baselines: the natural distribution). */
  trainPeriod: Int32Array;
  /** The rows the trees are fitted on, and their weights. */
  train: Int32Array;
  trainWeights: Float64Array;
  validation: Int32Array;
  test: Int32Array;
  warmupRows: number;
}

const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, k) => from + k);

export function timeSplit(ds: Dataset, opts: SplitOptions): Split {
  const warmEnd = ds.t[0]! + opts.warmupDays * DAY_MS;
  let first = 0;
  while (first < ds.rows && ds.t[first]! < warmEnd) first++;
  const usable = ds.rows - first;
  const trainEnd = first + Math.floor(usable * opts.trainShare);
  const validEnd = trainEnd + Math.floor(usable * opts.validationShare);

  const rng = new Rng(opts.seed ^ 0x5eed);
  const kept: number[] = [];
  const weights: number[] = [];
  for (let i = first; i < trainEnd; i++) {
    if (ds.y[i] === 1) {
      kept.push(i);
      weights.push(1);
    } else if (rng.next() < opts.negativeRate) {
      kept.push(i);
      weights.push(1 / opts.negativeRate);
    }
  }
  return {
    trainPeriod: range(first, trainEnd),
    train: Int32Array.from(kept),
    trainWeights: Float64Array.from(weights),
    validation: range(trainEnd, validEnd),
    test: range(validEnd, ds.rows),
    warmupRows: first,
  };
}
