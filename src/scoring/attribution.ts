import { goesYes, margin, type TreeEnsemble } from "../model/trees";

/**
 * Exact Shapley values of a tree ensemble's log-odds against one reference row (baseline Shapley, "interventional
 * TreeSHAP with one background row"): for a row x and the reference r, the game is v(S) = f(x on S, r elsewhere),
 * and feature j's value φ_j is its Shapley value in that game. The values sum exactly to f(x) − f(r); a feature
 * whose value equals the reference's gets 0.
 *
 * Per tree it is exact without enumerating coalitions: a leaf is reached by the hybrid row of coalition S only if
 * every feature whose splits on the leaf's path x passes and r fails (the set A) is in S, and every one r passes
 * and x fails (the set B) is not. That leaf's game is v·[A ⊆ S, B ∩ S = ∅], whose Shapley values are
 * v·(|A|−1)!|B|!/(|A|+|B|)! for each feature of A and −v·|A|!(|B|−1)!/(|A|+|B|)! for each of B. One walk of the
 * tree visits only the leaves some hybrid row reaches: both branches where x and r part, one elsewhere.
 * (Path-dependent TreeSHAP would need each node's training cover, which ONNX does not carry.)
 */
export class BaselineShapley {
  /** f(r): the reference row's log-odds. */
  readonly referenceMargin: number;
  private readonly roots: Int32Array;
  private readonly walker: Walker;

  constructor(ensemble: TreeEnsemble, reference: Float32Array) {
    this.referenceMargin = margin(ensemble, reference);
    // All trees in one set of arrays (node k of tree t at offset[t] + k), and where the reference goes at every split.
    const offsets: number[] = [];
    let size = 0;
    for (const t of ensemble.trees) {
      offsets.push(size);
      size += t.feature.length;
    }
    const w = new Walker(size, ensemble.maxDepth, reference.length);
    ensemble.trees.forEach((t, ti) => {
      const o = offsets[ti]!;
      for (let k = 0; k < t.feature.length; k++) {
        const f = t.feature[k]!;
        w.feature[o + k] = f;
        w.value[o + k] = t.value[k]!;
        if (f < 0) continue;
        w.threshold[o + k] = t.threshold[k]!;
        w.mode[o + k] = t.mode[k]!;
        w.missingYes[o + k] = t.missingYes[k]!;
        w.yes[o + k] = o + t.yes[k]!;
        w.no[o + k] = o + t.no[k]!;
        w.referenceYes[o + k] = goesYes(t.mode[k]!, reference[f]!, t.threshold[k]!, t.missingYes[k]!) ? 1 : 0;
      }
    });
    this.roots = Int32Array.from(ensemble.trees, (t, ti) => offsets[ti]! + t.root);
    this.walker = w;
  }

  /** φ for each of the `rows.length / width` rows (row-major, `width` columns each), in log-odds. */
  explain(rows: Float32Array, width: number): Float64Array {
    const phi = new Float64Array(rows.length);
    const w = this.walker;
    w.rows = rows;
    w.phi = phi;
    for (let at = 0; at < rows.length; at += width) {
      w.at = at;
      for (let i = 0; i < this.roots.length; i++) w.walk(this.roots[i]!, 0, 0);
    }
    return phi;
  }
}

/** The walk's tables and its state for the row being explained: one object, so the recursion allocates nothing. */
class Walker {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly mode: Uint8Array;
  readonly missingYes: Uint8Array;
  readonly yes: Int32Array;
  readonly no: Int32Array;
  readonly value: Float64Array;
  readonly referenceYes: Uint8Array;
  /** (|A|−1)!|B|!/(|A|+|B|)! and |A|!(|B|−1)!/(|A|+|B|)!, at a·stride + b. */
  readonly weightA: Float64Array;
  readonly weightB: Float64Array;
  readonly stride: number;
  /** Per feature: 0 not on the path yet, 1 in A (x's side), 2 in B (r's side). */
  readonly state: Uint8Array;
  /** What the last walk's subtree owes each member of A / takes from each member of B (see `walk`). */
  sumA = 0;
  sumB = 0;
  rows: Float32Array = new Float32Array();
  phi: Float64Array = new Float64Array();
  at = 0;

  constructor(size: number, maxDepth: number, width: number) {
    this.feature = new Int32Array(size);
    this.threshold = new Float32Array(size);
    this.mode = new Uint8Array(size);
    this.missingYes = new Uint8Array(size);
    this.yes = new Int32Array(size);
    this.no = new Int32Array(size);
    this.value = new Float64Array(size);
    this.referenceYes = new Uint8Array(size);
    const d = maxDepth + 1;
    this.stride = d;
    this.weightA = new Float64Array(d * d);
    this.weightB = new Float64Array(d * d);
    const fact = [1];
    for (let i = 1; i <= d; i++) fact.push(fact[i - 1]! * i);
    for (let a = 0; a < d; a++) {
      for (let b = 0; a + b < d; b++) {
        if (a > 0) this.weightA[a * d + b] = (fact[a - 1]! * fact[b]!) / fact[a + b]!;
        if (b > 0) this.weightB[a * d + b] = (fact[a]! * fact[b - 1]!) / fact[a + b]!;
      }
    }
    this.state = new Uint8Array(width);
  }

  /**
   * Walks the subtree under `node` with `a` features in A and `b` in B so far, and leaves in `sumA` / `sumB` what
   * its reachable leaves give each member of A / take from each member of B: Σ v·weightA(a′, b′) and Σ v·weightB(a′, b′)
   * over those leaves (a′, b′ their final set sizes). A feature joining A at a split is owed exactly the x-side
   * subtree's `sumA` (every leaf under it has the feature in A), one joining B the r-side's `sumB`, so each split
   * settles its own feature and a leaf costs O(1), not O(depth).
   */
  walk(node: number, a: number, b: number): void {
    const { feature, rows, at, state, mode, threshold, referenceYes, yes, no } = this;
    // Down the single path while x and the reference agree (or the feature already chose a side).
    for (;;) {
      const f = feature[node]!;
      if (f < 0) break;
      const x = rows[at + f]!;
      const m = mode[node]!;
      const xYes = m === 0 && x === x ? x <= threshold[node]! : goesYes(m, x, threshold[node]!, this.missingYes[node]!);
      const rYes = referenceYes[node] === 1;
      const s = state[f]!;
      if (s === 1 || (s === 0 && xYes === rYes)) {
        node = xYes ? yes[node]! : no[node]!;
        continue;
      }
      if (s === 2) {
        node = rYes ? yes[node]! : no[node]!;
        continue;
      }
      // x and r part here on a feature not yet on the path: it joins A down x's branch, B down r's.
      state[f] = 1;
      this.walk(xYes ? yes[node]! : no[node]!, a + 1, b);
      const sumA = this.sumA;
      const sumB = this.sumB;
      this.phi[at + f]! += sumA;
      state[f] = 2;
      this.walk(rYes ? yes[node]! : no[node]!, a, b + 1);
      this.phi[at + f]! -= this.sumB;
      state[f] = 0;
      this.sumA += sumA;
      this.sumB += sumB;
      return;
    }
    if (a + b === 0) {
      this.sumA = 0;
      this.sumB = 0;
      return;
    }
    const v = this.value[node]!;
    const k = a * this.stride + b;
    this.sumA = v * this.weightA[k]!;
    this.sumB = v * this.weightB[k]!;
  }
}
