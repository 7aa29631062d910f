import { TYPOLOGIES, type Typology } from "../data/stream";
import { atThreshold, brier, calibration, logLoss, prAuc, recallAtFpr, rocAuc, type AtThreshold, type CalibrationBin } from "./metrics";

/** Everything the report and the card say about one model's scores on one split. */
export interface Evaluation {
  rows: number;
  fraudRate: number;
  rocAuc: number;
  prAuc: number;
  recallAt1PctFpr: number;
  logLoss: number;
  brier: number;
  review: AtThreshold;
  decline: AtThreshold;
  calibration: CalibrationBin[];
  /** Per generating mechanism: rows labelled fraud, and the share of them at or above each threshold. */
  typologies: { typology: Typology; fraudRows: number; reviewRecall: number; declineRecall: number }[];
}

export function evaluate(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  typology: ArrayLike<number>,
  thresholds: { review: number; decline: number },
): Evaluation {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const typologies = TYPOLOGIES.filter((t) => t !== "legit").map((name) => {
    const code = TYPOLOGIES.indexOf(name);
    let n = 0;
    let review = 0;
    let decline = 0;
    for (let i = 0; i < p.length; i++) {
      if (typology[i] !== code || y[i] !== 1) continue;
      n++;
      if (p[i]! >= thresholds.review) review++;
      if (p[i]! >= thresholds.decline) decline++;
    }
    return { typology: name, fraudRows: n, reviewRecall: n ? review / n : 0, declineRecall: n ? decline / n : 0 };
  });
  return {
    rows: p.length,
    fraudRate: pos / Math.max(1, p.length),
    rocAuc: rocAuc(p, y),
    prAuc: prAuc(p, y),
    recallAt1PctFpr: recallAtFpr(p, y, 0.01),
    logLoss: logLoss(p, y),
    brier: brier(p, y),
    review: atThreshold(p, y, thresholds.review),
    decline: atThreshold(p, y, thresholds.decline),
    calibration: calibration(p, y),
    typologies,
  };
}
