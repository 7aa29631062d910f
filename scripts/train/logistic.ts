import type { Rows } from "./gbdt";
import { sigmoid } from "./metrics";

/**
 * The baseline: L2-regularised logistic regression on standardised features, fitted by Newton's method (IRLS)
 * on the same weighted training rows as the trees. If the trees cannot beat this clearly, they are not earning
 * their bundle size.
 */
export interface LogisticModel {
  mean: Float64Array;
  scale: Float64Array;
  /** Intercept first, then one coefficient per standardised feature. */
  coef: Float64Array;
}

export function trainLogistic(train: Rows, lambda = 1, iterations = 25): LogisticModel {
  const F = train.features;
  const D = F + 1;
  const n = train.rows.length;
  const w = train.w ?? new Float64Array(n).fill(1);
  const mean = new Float64Array(F);
  const scale = new Float64Array(F);
  let sw = 0;
  for (let k = 0; k < n; k++) {
    const base = train.rows[k]! * F;
    sw += w[k]!;
    for (let f = 0; f < F; f++) mean[f]! += w[k]! * train.X[base + f]!;
  }
  for (let f = 0; f < F; f++) mean[f]! /= sw;
  for (let k = 0; k < n; k++) {
    const base = train.rows[k]! * F;
    for (let f = 0; f < F; f++) scale[f]! += w[k]! * (train.X[base + f]! - mean[f]!) ** 2;
  }
  for (let f = 0; f < F; f++) scale[f] = Math.sqrt(scale[f]! / sw) || 1;

  const Z = new Float64Array(n * D);
  for (let k = 0; k < n; k++) {
    const base = train.rows[k]! * F;
    Z[k * D] = 1;
    for (let f = 0; f < F; f++) Z[k * D + 1 + f] = (train.X[base + f]! - mean[f]!) / scale[f]!;
  }
  const coef = new Float64Array(D);
  let previous = Infinity;
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(D);
    const hess = new Float64Array(D * D);
    let loss = 0;
    for (let k = 0; k < n; k++) {
      const row = Z.subarray(k * D, (k + 1) * D);
      let z = 0;
      for (let d = 0; d < D; d++) z += coef[d]! * row[d]!;
      const p = sigmoid(z);
      const y = train.y[train.rows[k]!]!;
      loss -= w[k]! * (y === 1 ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15)));
      const r = w[k]! * (p - y);
      const s = w[k]! * Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < D; a++) {
        grad[a]! += r * row[a]!;
        const sa = s * row[a]!;
        for (let b = 0; b <= a; b++) hess[a * D + b]! += sa * row[b]!;
      }
    }
    for (let a = 1; a < D; a++) {
      loss += 0.5 * lambda * coef[a]! ** 2;
      grad[a]! += lambda * coef[a]!;
      hess[a * D + a]! += lambda;
    }
    for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) hess[b * D + a] = hess[a * D + b]!;
    const step = solveCholesky(hess, grad, D);
    for (let d = 0; d < D; d++) coef[d]! -= step[d]!;
    if (Math.abs(previous - loss) < 1e-7 * Math.max(1, Math.abs(loss))) break;
    previous = loss;
  }
  return { mean, scale, coef };
}

export function predictLogistic(m: LogisticModel, X: Float32Array, features: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const base = rows[k]! * features;
    let z = m.coef[0]!;
    for (let f = 0; f < features; f++) z += m.coef[f + 1]! * ((X[base + f]! - m.mean[f]!) / m.scale[f]!);
    out[k] = sigmoid(z);
  }
  return out;
}

/** Solves A x = b for symmetric positive-definite A (row-major D × D). */
function solveCholesky(A: Float64Array, b: Float64Array, D: number): Float64Array {
  const L = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * D + j]!;
      for (let k = 0; k < j; k++) s -= L[i * D + k]! * L[j * D + k]!;
      L[i * D + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * D + j]!;
    }
  }
  const z = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * D + k]! * z[k]!;
    z[i] = s / L[i * D + i]!;
  }
  const x = new Float64Array(D);
  for (let i = D - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * x[k]!;
    x[i] = s / L[i * D + i]!;
  }
  return x;
}
