import { Rng } from "../data/prng";
import { binRows, fitBins, type BinMapper } from "./bins";
import { logLoss, sigmoid } from "./metrics";

/**
 * Histogram gradient-boosted decision trees for binary log-loss: quantile bins, leaf-wise growth under depth and
 * leaf limits, min child hessian, L2 on leaf values, shrinkage, row and feature subsampling, and early stopping
 * on a validation set. Leaf values and the base score are float32 values, and a split sends x left when
 * x <= threshold (float32), so this model and its ONNX export compute the same function.
 */
export interface GbdtParams {
  maxTrees: number;
  learningRate: number;
  maxDepth: number;
  maxLeaves: number;
  /** Minimum sum of hessians (weighted) in a child. */
  minChildWeight: number;
  /** Minimum number of (sampled) rows in a child. */
  minDataInLeaf: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Minimum loss reduction to split. */
  minGain: number;
  /** Share of training rows each tree sees. */
  subsample: number;
  /** Share of features each tree may split on. */
  colsample: number;
  maxBins: number;
  /** Stop when validation log-loss has not improved for this many trees. */
  earlyStoppingRounds: number;
  seed: number;
}

/** Chosen on the 1M-row stream's validation log-loss (see docs/model.md): small enough for an edge bundle. */
export const DEFAULT_GBDT: GbdtParams = {
  maxTrees: 300,
  learningRate: 0.05,
  maxDepth: 6,
  maxLeaves: 31,
  minChildWeight: 5,
  minDataInLeaf: 50,
  lambda: 5,
  minGain: 0,
  subsample: 0.8,
  colsample: 0.8,
  maxBins: 255,
  earlyStoppingRounds: 50,
  seed: 1,
};

/** Nodes in arrays; a leaf has feature -1 and its value in `value`. */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbdtModel {
  features: number;
  /** Raw score (log-odds) every tree adds to. */
  base: number;
  trees: Tree[];
}

/** Rows of a row-major matrix with `features` columns; `rows` index into it. */
export interface Rows {
  X: Float32Array;
  features: number;
  rows: Int32Array;
  /** Label per matrix row (indexed like X's rows, not like `rows`). */
  y: Uint8Array;
  /** Weight per entry of `rows` (default 1). */
  w?: Float64Array;
}

export interface TrainResult {
  model: GbdtModel;
  bins: BinMapper;
  /** Validation log-loss after each tree. */
  validLoss: number[];
  /** Number of trees kept (the best validation log-loss). */
  bestIteration: number;
  /** Total split gain per feature over the kept trees: which features the model relies on. */
  gainByFeature: Float64Array;
}

export function predictRawRow(model: GbdtModel, X: Float32Array, offset: number): number {
  let s = model.base;
  for (const tree of model.trees) s += tree.value[leafOf(tree, X, offset)]!;
  return s;
}

function leafOf(tree: Tree, X: Float32Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = X[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

/** P(fraud) for each of `rows` of X. */
export function predict(model: GbdtModel, X: Float32Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = sigmoid(predictRawRow(model, X, rows[k]! * model.features));
  return out;
}

const STRIDE = 3; // gradient, hessian, count per bin
const BIN_SLOTS = 256;

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  hist: Float64Array;
  gain: number;
  feature: number;
  bin: number;
}

/** One tree's growth over the sampled rows `idx` (positions into the binned matrix). */
class TreeGrower {
  readonly tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  /** Split bin per node (training only: "bin <= b" is the same test as "x <= threshold"). */
  readonly splitBin: number[] = [];
  readonly splitGain: number[] = [];

  constructor(
    private readonly bins: Uint8Array,
    private readonly F: number,
    private readonly mapper: BinMapper,
    private readonly g: Float64Array,
    private readonly h: Float64Array,
    private readonly idx: Int32Array,
    private readonly featureSet: number[],
    private readonly p: GbdtParams,
  ) {}

  grow(): Tree {
    const root = this.leaf(this.addNode(), 0, this.idx.length, 0, this.histogram(0, this.idx.length));
    const leaves: Leaf[] = [root];
    while (leaves.length < this.p.maxLeaves) {
      let bestAt = -1;
      for (let k = 0; k < leaves.length; k++) {
        const l = leaves[k]!;
        if (l.feature >= 0 && (bestAt < 0 || l.gain > leaves[bestAt]!.gain)) bestAt = k;
      }
      if (bestAt < 0) break;
      const [a, b] = this.split(leaves[bestAt]!);
      leaves.splice(bestAt, 1, a, b);
    }
    for (const l of leaves) this.tree.value[l.node] = Math.fround((-l.G / (l.H + this.p.lambda)) * this.p.learningRate);
    return this.tree;
  }

  private addNode(): number {
    const t = this.tree;
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(0);
    t.right.push(0);
    t.value.push(0);
    this.splitBin.push(-1);
    this.splitGain.push(0);
    return t.feature.length - 1;
  }

  private histogram(start: number, end: number): Float64Array {
    const hist = new Float64Array(this.F * BIN_SLOTS * STRIDE);
    const { bins, F, g, h, idx, featureSet } = this;
    const nf = featureSet.length;
    for (let k = start; k < end; k++) {
      const r = idx[k]!;
      const gr = g[r]!;
      const hr = h[r]!;
      const base = r * F;
      for (let j = 0; j < nf; j++) {
        const f = featureSet[j]!;
        const o = (f * BIN_SLOTS + bins[base + f]!) * STRIDE;
        hist[o]! += gr;
        hist[o + 1]! += hr;
        hist[o + 2]!++;
      }
    }
    return hist;
  }

  /** A leaf with its totals and best split (feature -1 when it cannot or should not split). */
  private leaf(node: number, start: number, end: number, depth: number, hist: Float64Array): Leaf {
    const f0 = this.featureSet[0]!;
    let G = 0;
    let H = 0;
    for (let b = 0; b < BIN_SLOTS; b++) {
      const o = (f0 * BIN_SLOTS + b) * STRIDE;
      G += hist[o]!;
      H += hist[o + 1]!;
    }
    const leaf: Leaf = { node, start, end, depth, G, H, hist, gain: 0, feature: -1, bin: -1 };
    if (depth >= this.p.maxDepth || end - start < 2 * this.p.minDataInLeaf) return leaf;
    const { lambda, minChildWeight, minDataInLeaf, minGain } = this.p;
    const parentScore = (G * G) / (H + lambda);
    let bestGain = minGain + 1e-12;
    for (const f of this.featureSet) {
      const nb = this.mapper.thresholds[f]!.length + 1;
      let GL = 0;
      let HL = 0;
      let CL = 0;
      for (let b = 0; b < nb - 1; b++) {
        const o = (f * BIN_SLOTS + b) * STRIDE;
        GL += hist[o]!;
        HL += hist[o + 1]!;
        CL += hist[o + 2]!;
        const CR = end - start - CL;
        if (CL < minDataInLeaf || HL < minChildWeight) continue;
        if (CR < minDataInLeaf) break;
        const HR = H - HL;
        if (HR < minChildWeight) break;
        const GR = G - GL;
        const gain = 0.5 * ((GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          leaf.gain = gain;
          leaf.feature = f;
          leaf.bin = b;
        }
      }
    }
    return leaf;
  }

  private split(l: Leaf): [Leaf, Leaf] {
    const { bins, F, idx } = this;
    // partition [start, end): rows going left first
    let i = l.start;
    let j = l.end - 1;
    while (i <= j) {
      if (bins[idx[i]! * F + l.feature]! <= l.bin) i++;
      else {
        const tmp = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = tmp;
        j--;
      }
    }
    const mid = i;
    const leftNode = this.addNode();
    const rightNode = this.addNode();
    const t = this.tree;
    t.feature[l.node] = l.feature;
    t.threshold[l.node] = this.mapper.thresholds[l.feature]![l.bin]!;
    t.left[l.node] = leftNode;
    t.right[l.node] = rightNode;
    this.splitBin[l.node] = l.bin;
    this.splitGain[l.node] = l.gain;
    // build the smaller child's histogram, derive the larger one's by subtraction
    const leftSmaller = mid - l.start <= l.end - mid;
    const small = leftSmaller ? this.histogram(l.start, mid) : this.histogram(mid, l.end);
    const large = l.hist;
    for (let k = 0; k < large.length; k++) large[k] = large[k]! - small[k]!;
    const leftHist = leftSmaller ? small : large;
    const rightHist = leftSmaller ? large : small;
    return [
      this.leaf(leftNode, l.start, mid, l.depth + 1, leftHist),
      this.leaf(rightNode, mid, l.end, l.depth + 1, rightHist),
    ];
  }
}

/** The leaf each binned row falls in, via split bins (the training-side twin of leafOf). */
function binnedLeaf(tree: Tree, splitBin: number[], bins: Uint8Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = bins[offset + tree.feature[node]!]! <= splitBin[node]! ? tree.left[node]! : tree.right[node]!;
  return node;
}

export function trainGbdt(
  train: Rows,
  valid: Rows,
  params: GbdtParams,
  onTree?: (iteration: number, validLoss: number) => void,
): TrainResult {
  const F = train.features;
  const n = train.rows.length;
  const rng = new Rng(params.seed);
  const mapper = fitBins(train.X, F, train.rows, params.maxBins);
  const bins = binRows(mapper, train.X, F, train.rows);
  const y = Float64Array.from(train.rows, (r) => train.y[r]!);
  const w = train.w ?? new Float64Array(n).fill(1);

  let sw = 0;
  let swy = 0;
  for (let k = 0; k < n; k++) {
    sw += w[k]!;
    swy += w[k]! * y[k]!;
  }
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, swy / sw));
  const base = Math.fround(Math.log(prior / (1 - prior)));
  const model: GbdtModel = { features: F, base, trees: [] };

  const raw = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const vRaw = new Float64Array(valid.rows.length).fill(base);
  const vY = Float64Array.from(valid.rows, (r) => valid.y[r]!);
  const vP = new Float64Array(valid.rows.length);
  const validLoss: number[] = [];
  let best = Infinity;
  let bestIteration = 0;
  const gains: number[][] = [];

  for (let it = 0; it < params.maxTrees; it++) {
    for (let k = 0; k < n; k++) {
      const p = sigmoid(raw[k]!);
      g[k] = w[k]! * (p - y[k]!);
      h[k] = Math.max(1e-16, w[k]! * p * (1 - p));
    }
    const sampled: number[] = [];
    for (let k = 0; k < n; k++) if (params.subsample >= 1 || rng.next() < params.subsample) sampled.push(k);
    const featureSet = chooseFeatures(rng, F, params.colsample, mapper);
    if (featureSet.length === 0) break;
    const grower = new TreeGrower(bins, F, mapper, g, h, Int32Array.from(sampled), featureSet, params);
    const tree = grower.grow();
    model.trees.push(tree);
    gains.push(grower.splitGain);
    for (let k = 0; k < n; k++) raw[k]! += tree.value[binnedLeaf(tree, grower.splitBin, bins, k * F)]!;
    for (let k = 0; k < valid.rows.length; k++) {
      vRaw[k]! += tree.value[leafOf(tree, valid.X, valid.rows[k]! * F)]!;
      vP[k] = sigmoid(vRaw[k]!);
    }
    const loss = logLoss(vP, vY);
    validLoss.push(loss);
    onTree?.(it + 1, loss);
    if (loss < best - 1e-9) {
      best = loss;
      bestIteration = it + 1;
    } else if (it + 1 - bestIteration >= params.earlyStoppingRounds) break;
  }
  model.trees.length = bestIteration;
  const gainByFeature = new Float64Array(F);
  model.trees.forEach((tree, t) => tree.feature.forEach((f, node) => f >= 0 && (gainByFeature[f]! += gains[t]![node]!)));
  return { model, bins: mapper, validLoss, bestIteration, gainByFeature };
}

/** Features this tree may split on: a seeded subset, never a feature with a single bin. */
function chooseFeatures(rng: Rng, F: number, share: number, mapper: BinMapper): number[] {
  const usable: number[] = [];
  for (let f = 0; f < F; f++) if (mapper.thresholds[f]!.length > 0) usable.push(f);
  if (share >= 1) return usable;
  const k = Math.max(1, Math.round(usable.length * share));
  for (let i = usable.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [usable[i], usable[j]] = [usable[j]!, usable[i]!];
  }
  return usable.slice(0, k).sort((a, b) => a - b);
}
