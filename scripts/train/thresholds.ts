import { atThreshold, curve, type AtThreshold } from "./metrics";

/**
 * Decision thresholds, chosen on the validation period (never on test): decline as low as possible while its
 * precision stays at the target — a declined good customer is the costliest mistake — and review as low as the
 * analysts' capacity (a share of all traffic) and a minimum useful precision allow.
 */
export interface ThresholdTargets {
  declineMinPrecision: number;
  reviewMaxRate: number;
  reviewMinPrecision: number;
  /** Fewest true positives a threshold must rest on, so it is not chosen from a handful of rows. */
  minSupport: number;
}

export const DEFAULT_TARGETS: ThresholdTargets = {
  declineMinPrecision: 0.9,
  reviewMaxRate: 0.03,
  reviewMinPrecision: 0.2,
  minSupport: 10,
};

export interface Thresholds {
  review: number;
  decline: number;
  rationale: string;
  validation: { review: AtThreshold; decline: AtThreshold };
}

/** Rounded down to 4 significant digits: readable, and never stricter than what validation showed. */
const round4 = (x: number) => {
  if (x <= 0) return 0;
  const e = 10 ** (Math.floor(Math.log10(x)) - 3);
  return Math.floor(x / e) * e;
};
const tidy = (x: number) => Number(round4(x).toPrecision(4));

export function chooseThresholds(p: ArrayLike<number>, y: ArrayLike<number>, targets = DEFAULT_TARGETS): Thresholds {
  const { points } = curve(p, y);
  const n = p.length;
  let decline = NaN;
  let review = 1;
  // fallback when no threshold reaches the precision target: the most precise one (label noise can put a whole
  // unreported campaign at the top of a small validation set)
  let fallback = 1;
  let fallbackPrecision = -1;
  for (const { threshold, tp, fp } of points) {
    const precision = tp / (tp + fp);
    if (tp < targets.minSupport) continue;
    if (precision >= targets.declineMinPrecision) decline = threshold;
    if (precision >= fallbackPrecision) {
      fallbackPrecision = precision;
      fallback = threshold;
    }
    if (precision >= targets.reviewMinPrecision && (tp + fp) / n <= targets.reviewMaxRate) review = threshold;
  }
  const declineMet = !Number.isNaN(decline);
  decline = tidy(declineMet ? decline : fallback);
  review = Math.min(tidy(review), decline);
  const v = { review: atThreshold(p, y, review), decline: atThreshold(p, y, decline) };
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const rationale =
    `Chosen on the validation period (${n} rows). decline: ${declineMet ? "the lowest score whose precision stays" : "no score reached the target precision, so the most precise score; target"} >= ${pct(targets.declineMinPrecision)} ` +
    `(validation: precision ${pct(v.decline.precision)}, recall ${pct(v.decline.recall)}, ${pct(v.decline.rate)} of traffic). ` +
    `review: the lowest score flagging <= ${pct(targets.reviewMaxRate)} of traffic with precision >= ${pct(targets.reviewMinPrecision)} ` +
    `(validation: ${pct(v.review.rate)} of traffic, precision ${pct(v.review.precision)}, recall ${pct(v.review.recall)}).`;
  return { review, decline, rationale, validation: v };
}
