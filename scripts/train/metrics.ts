/** Evaluation of scores against labels: ranking quality, threshold statistics, calibration. */
export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

type Labels = ArrayLike<number>;

export function logLoss(p: ArrayLike<number>, y: Labels): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]!));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / Math.max(1, p.length);
}

export function brier(p: ArrayLike<number>, y: Labels): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / Math.max(1, p.length);
}

/** Indices sorted by descending score (stable, so ties keep input order and results are deterministic). */
function byScoreDesc(p: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: p.length }, (_, i) => i);
  return idx.sort((a, b) => p[b]! - p[a]! || a - b);
}

/** One point per distinct score, descending: rows with score >= threshold are flagged. */
export interface CurvePoint {
  threshold: number;
  tp: number;
  fp: number;
}

export function curve(p: ArrayLike<number>, y: Labels): { points: CurvePoint[]; positives: number; negatives: number } {
  const idx = byScoreDesc(p);
  const points: CurvePoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (y[i] === 1) tp++;
    else fp++;
    const next = k + 1 < idx.length ? p[idx[k + 1]!]! : -Infinity;
    if (next !== p[i]) points.push({ threshold: p[i]!, tp, fp });
  }
  return { points, positives: tp, negatives: fp };
}

/** Area under the ROC curve (trapezoids over distinct scores, so ties count half). */
export function rocAuc(p: ArrayLike<number>, y: Labels): number {
  const { points, positives, negatives } = curve(p, y);
  if (positives === 0 || negatives === 0) return NaN;
  let area = 0;
  let tp0 = 0;
  let fp0 = 0;
  for (const { tp, fp } of points) {
    area += ((fp - fp0) * (tp + tp0)) / 2;
    tp0 = tp;
    fp0 = fp;
  }
  return area / (positives * negatives);
}

/** Average precision: the step-wise area under the precision-recall curve. */
export function prAuc(p: ArrayLike<number>, y: Labels): number {
  const { points, positives } = curve(p, y);
  if (positives === 0) return NaN;
  let ap = 0;
  let tp0 = 0;
  for (const { tp, fp } of points) {
    ap += ((tp - tp0) / positives) * (tp / (tp + fp));
    tp0 = tp;
  }
  return ap;
}

/** Highest recall among thresholds whose false-positive rate is at most `fpr`. */
export function recallAtFpr(p: ArrayLike<number>, y: Labels, fpr: number): number {
  const { points, positives, negatives } = curve(p, y);
  let best = 0;
  for (const { tp, fp } of points) if (fp <= fpr * negatives) best = Math.max(best, tp / positives);
  return best;
}

export interface AtThreshold {
  threshold: number;
  flagged: number;
  /** Share of all rows flagged. */
  rate: number;
  precision: number;
  recall: number;
  fpr: number;
}

export function atThreshold(p: ArrayLike<number>, y: Labels, threshold: number): AtThreshold {
  let tp = 0;
  let fp = 0;
  let pos = 0;
  for (let i = 0; i < p.length; i++) {
    if (y[i] === 1) pos++;
    if (p[i]! >= threshold) {
      if (y[i] === 1) tp++;
      else fp++;
    }
  }
  const neg = p.length - pos;
  return {
    threshold,
    flagged: tp + fp,
    rate: (tp + fp) / Math.max(1, p.length),
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: pos === 0 ? 0 : tp / pos,
    fpr: neg === 0 ? 0 : fp / neg,
  };
}

export interface CalibrationBin {
  from: number;
  to: number;
  rows: number;
  meanScore: number;
  fraudRate: number;
}

export const CALIBRATION_EDGES = [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.8, 1];

export function calibration(p: ArrayLike<number>, y: Labels, edges = CALIBRATION_EDGES): CalibrationBin[] {
  const bins = edges.slice(1).map((to, k) => ({ from: edges[k]!, to, rows: 0, sum: 0, pos: 0 }));
  for (let i = 0; i < p.length; i++) {
    const b = bins.find((x) => p[i]! < x.to) ?? bins[bins.length - 1]!;
    b.rows++;
    b.sum += p[i]!;
    b.pos += y[i]!;
  }
  return bins.map((b) => ({ from: b.from, to: b.to, rows: b.rows, meanScore: b.rows ? b.sum / b.rows : 0, fraudRate: b.rows ? b.pos / b.rows : 0 }));
}
