import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../../scripts/data/prng";
import { binOf, fitBins, float32Cut } from "../../../scripts/train/bins";
import { DEFAULT_GBDT, predict, predictRawRow, trainGbdt, type GbdtParams, type Rows } from "../../../scripts/train/gbdt";
import { predictLogistic, trainLogistic } from "../../../scripts/train/logistic";
import { logLoss, prAuc, recallAtFpr, rocAuc, sigmoid } from "../../../scripts/train/metrics";
import { chooseThresholds } from "../../../scripts/train/thresholds";

/**
 * The trainer on problems with known answers: an interaction (XOR) trees must find and a linear model cannot,
 * and the float32 split contract the ONNX export relies on.
 */
const F = 4;

/** y = (x0 > 0.5) XOR (x1 > 0.3) with 5% label noise; x2, x3 are noise. */
function xorProblem(n: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) X[i * F + f] = rng.next();
    const truth = (X[i * F]! > 0.5) !== (X[i * F + 1]! > 0.3);
    y[i] = (rng.chance(0.05) ? !truth : truth) ? 1 : 0;
  }
  return { X, y };
}

const rowsOf = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, k) => from + k);
const SMALL: GbdtParams = { ...DEFAULT_GBDT, maxTrees: 60, learningRate: 0.2, minDataInLeaf: 10, minChildWeight: 1, earlyStoppingRounds: 15 };

describe("trainGbdt", () => {
  const { X, y } = xorProblem(6000, 3);
  const train: Rows = { X, features: F, rows: rowsOf(0, 4000), y };
  const valid: Rows = { X, features: F, rows: rowsOf(4000, 5000), y };
  const test = rowsOf(5000, 6000);
  const yTest = Array.from(test, (r) => y[r]!);
  const result = trainGbdt(train, valid, SMALL);

  it("learns an interaction a logistic regression cannot", () => {
    const auc = rocAuc(predict(result.model, X, test), yTest);
    const lrAuc = rocAuc(predictLogistic(trainLogistic(train), X, F, test), yTest);
    expect(auc).toBeGreaterThan(0.9);
    expect(lrAuc).toBeLessThan(0.7);
  });

  it("splits on the informative features near the true cut points", () => {
    expect(result.gainByFeature[0]! + result.gainByFeature[1]!).toBeGreaterThan(10 * (result.gainByFeature[2]! + result.gainByFeature[3]!));
    const firstRoot = result.model.trees[0]!;
    const cut = firstRoot.feature[0] === 0 ? 0.5 : 0.3;
    expect([0, 1]).toContain(firstRoot.feature[0]);
    expect(Math.abs(firstRoot.threshold[0]! - cut)).toBeLessThan(0.05);
  });

  it("respects depth and leaf limits, and stores float32 thresholds and leaf values", () => {
    const params = { ...SMALL, maxDepth: 3, maxLeaves: 6, maxTrees: 10 };
    const { model } = trainGbdt(train, valid, params);
    for (const tree of model.trees) {
      expect(tree.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(6);
      const depth = (node: number): number => (tree.feature[node]! < 0 ? 0 : 1 + Math.max(depth(tree.left[node]!), depth(tree.right[node]!)));
      expect(depth(0)).toBeLessThanOrEqual(3);
      tree.threshold.forEach((t) => expect(Math.fround(t)).toBe(t));
      tree.value.forEach((v) => expect(Math.fround(v)).toBe(v));
    }
    expect(Math.fround(model.base)).toBe(model.base);
  });

  it("keeps the trees of the best validation loss (early stopping)", () => {
    const best = Math.min(...result.validLoss);
    expect(result.model.trees).toHaveLength(result.bestIteration);
    expect(result.validLoss[result.bestIteration - 1]).toBe(best);
    const p = predict(result.model, X, valid.rows);
    expect(logLoss(p, Array.from(valid.rows, (r) => y[r]!))).toBeCloseTo(best, 9);
  });

  it("starts from the weighted base rate: weights change the prior as downsampling expects", () => {
    const none = trainGbdt(train, valid, { ...SMALL, maxTrees: 1 });
    const w = Float64Array.from(train.rows, (r) => (y[r] === 0 ? 4 : 1));
    const weighted = trainGbdt({ ...train, w }, valid, { ...SMALL, maxTrees: 1 });
    expect(sigmoid(weighted.model.base)).toBeLessThan(sigmoid(none.model.base));
  });

  it("is deterministic for a seed", () => {
    expect(JSON.stringify(trainGbdt(train, valid, SMALL).model)).toBe(JSON.stringify(result.model));
  });

  it("predicts the same through split thresholds on raw values as on its own bins", () => {
    // a row exactly at a threshold goes left in both
    const tree = result.model.trees[0]!;
    const row = new Float32Array(F).fill(0.9);
    row[tree.feature[0]!] = tree.threshold[0]!;
    const left = predictRawRow({ ...result.model, trees: [tree] }, row, 0);
    row[tree.feature[0]!] = nextFloat32Up(tree.threshold[0]!);
    const right = predictRawRow({ ...result.model, trees: [tree] }, row, 0);
    expect(left).not.toBe(right);
  });
});

function nextFloat32Up(x: number): number {
  const b = new Float32Array([x]);
  const i = new Int32Array(b.buffer);
  i[0] = i[0]! + (x >= 0 ? 1 : -1);
  return b[0]!;
}

describe("binning", () => {
  it("cuts strictly between two float32 values, as a float32", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.float({ noNaN: true, noDefaultInfinity: true }), (a, b) => {
        fc.pre(a !== b);
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const cut = float32Cut(lo, hi);
        return Math.fround(cut) === cut && lo <= cut && cut < hi;
      }),
    );
  });

  it("puts each value in the bin whose threshold test it passes, with at most maxBins bins", () => {
    const { X } = xorProblem(5000, 9);
    const mapper = fitBins(X, F, rowsOf(0, 5000), 16);
    for (const th of mapper.thresholds) {
      expect(th.length).toBeLessThanOrEqual(15);
      for (let k = 0; k < 200; k++) {
        const x = X[k * F]!;
        const b = binOf(th, x);
        if (b < th.length) expect(x <= th[b]!).toBe(true);
        if (b > 0) expect(x > th[b - 1]!).toBe(true);
      }
    }
  });

  it("gives a feature with few distinct values one bin per value", () => {
    const X = Float32Array.from({ length: 300 * F }, (_, i) => (i % F === 0 ? [-1, 0, 1][Math.floor(i / F) % 3]! : 0));
    const mapper = fitBins(X, F, rowsOf(0, 300));
    expect(Array.from(mapper.thresholds[0]!)).toEqual([-0.5, 0.5]);
    expect(mapper.thresholds[1]).toHaveLength(0);
  });
});

describe("metrics and thresholds", () => {
  it("computes ROC-AUC, PR-AUC and recall at a false-positive rate on a known ranking", () => {
    const p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
    const y = [1, 0, 1, 0, 0, 0];
    expect(rocAuc(p, y)).toBeCloseTo(7 / 8, 12);
    expect(prAuc(p, y)).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(recallAtFpr(p, y, 0)).toBe(0.5);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
  });

  it("chooses the decline threshold at the target precision and the review threshold within capacity", () => {
    const n = 1000;
    const p = Array.from({ length: n }, (_, i) => 1 - i / n);
    const y = p.map((_, i) => (i < 40 ? (i % 20 === 19 ? 0 : 1) : i < 60 ? (i % 2) : 0));
    const t = chooseThresholds(p, y, { declineMinPrecision: 0.9, reviewMaxRate: 0.05, reviewMinPrecision: 0.2, minSupport: 5 });
    expect(t.validation.decline.precision).toBeGreaterThanOrEqual(0.9);
    expect(t.validation.review.rate).toBeLessThanOrEqual(0.05);
    expect(t.review).toBeLessThanOrEqual(t.decline);
    expect(t.validation.review.recall).toBeGreaterThan(t.validation.decline.recall);
  });
});
