/**
 * Population stability index of `actual` (counts or weights per bin) against `expected` (proportions per bin,
 * e.g. the model card's training histogram): Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over proportions. Empty bins on either
 * side are floored at `floor` so one empty bin gives a large, finite value instead of infinity. Null when there
 * is nothing to compare. Rule of thumb: < 0.1 stable, 0.1–0.25 shifting, > 0.25 drifted.
 */
export function psi(expected: readonly number[], actual: readonly number[], floor = 1e-4): number | null {
  if (expected.length !== actual.length) throw new Error(`psi: ${expected.length} expected bins vs ${actual.length} actual`);
  const total = actual.reduce((s, v) => s + v, 0);
  const expectedTotal = expected.reduce((s, v) => s + v, 0);
  if (total <= 0 || expectedTotal <= 0) return null;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = Math.max(actual[i]! / total, floor);
    const e = Math.max(expected[i]! / expectedTotal, floor);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
