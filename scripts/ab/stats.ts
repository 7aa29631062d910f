/**
 * The statistics of the A/B and shadow report (scripts/ab-report.ts), small enough to check by hand
 * (test/node/ab/stats.test.ts).
 */

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 for erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export const twoSidedP = (z: number): number => (Number.isFinite(z) ? 2 * (1 - normalCdf(Math.abs(z))) : Number.NaN);

/** Wilson score interval for k successes of n (95 % by default): sound near 0 and 1, where fraud rates live. */
export function wilson(k: number, n: number, z = 1.959964): { p: number; low: number; high: number } {
  if (n === 0) return { p: Number.NaN, low: Number.NaN, high: Number.NaN };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Two-proportion z test (pooled), for two independent samples: live and challenger see *different* shoppers (the
 * split), so their rates are independent binomials — as far as each transaction is its own trial. A shopper with
 * several payments makes them correlated, which this test ignores: it overstates significance when repeat
 * shoppers dominate (the report says so).
 */
export function twoProportionZ(k1: number, n1: number, k2: number, n2: number): { z: number; p: number } {
  if (n1 === 0 || n2 === 0) return { z: Number.NaN, p: Number.NaN };
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se === 0 ? 0 : (k2 / n2 - k1 / n1) / se;
  return { z, p: twoSidedP(z) };
}

/**
 * McNemar's test for paired outcomes: a shadow scores the *same* transactions as the live model, so the two are
 * not independent samples and a two-proportion test would treat the shared transactions as independent noise;
 * only the discordant pairs (b: live right, shadow wrong; c: the reverse) carry information. Exact (two-sided
 * binomial on b + c pairs, p = 1/2) below 25 discordant pairs, where the normal approximation is poor; else the
 * continuity-corrected z. The sign of z says which way: positive when c > b.
 */
export function mcnemar(b: number, c: number): { z: number; p: number; exact: boolean } {
  const n = b + c;
  if (n === 0) return { z: 0, p: 1, exact: true };
  const z = (Math.sign(c - b) * Math.max(0, Math.abs(b - c) - 1)) / Math.sqrt(n);
  if (n < 25) return { z, p: Math.min(1, 2 * binomialCdf(Math.min(b, c), n)), exact: true };
  return { z, p: twoSidedP(Math.abs(z)), exact: false };
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialCdf(k: number, n: number): number {
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/**
 * Population stability index of `actual` against `expected`, over the expected sample's deciles (ties merged):
 * Σ (a − e) · ln(a / e), each bin's share floored at 1e-4 so an empty bin does not make it infinite.
 * < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 large.
 */
export function psi(expected: readonly number[], actual: readonly number[], bins = 10): number {
  if (expected.length === 0 || actual.length === 0) return Number.NaN;
  const sorted = [...expected].sort((a, b) => a - b);
  const edges = [...new Set(Array.from({ length: bins - 1 }, (_, i) => quantileSorted(sorted, (i + 1) / bins)))];
  const share = (xs: readonly number[]) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const x of xs) counts[binIndex(edges, x)]!++;
    return counts.map((c) => Math.max(c / xs.length, 1e-4));
  };
  const e = share(expected);
  const a = share(actual);
  return e.reduce((s, ei, i) => s + (a[i]! - ei) * Math.log(a[i]! / ei), 0);
}

/** Bin of x among ascending edges: values equal to an edge go to the bin above it. */
function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x >= edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
