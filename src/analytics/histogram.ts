/**
 * Bins in the model card's histogram convention (src/model/card.ts): `edges` ascending; bin i holds v with
 * edges[i-1] < v <= edges[i]; bin 0 is everything <= edges[0], the last bin everything > edges[last].
 */
export function binOf(edges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The same binning as an Analytics Engine SQL expression over `column`, built only from `if` and `<=` (the
 * documented subset). Nested as a balanced tree, so a hundred edges nest 7 deep, not a hundred.
 */
export function binExpression(column: string, edges: readonly number[]): string {
  const build = (lo: number, hi: number): string => {
    // Bins lo..hi are still possible; edges[lo..hi-1] separate them.
    if (lo === hi) return String(lo);
    const mid = (lo + hi) >> 1;
    return `if(${column} <= ${edges[mid]}, ${build(lo, mid)}, ${build(mid + 1, hi)})`;
  };
  return build(0, edges.length);
}
