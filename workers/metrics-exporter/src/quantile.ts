/**
 * The q-quantile of a weighted histogram (bins in the model card's convention: bin i holds values in
 * (edges[i-1], edges[i]], the first bin starts at `lowest`, the last is open above), interpolating linearly
 * inside the bin where the cumulative weight crosses q·total — Prometheus' histogram_quantile, with weights
 * that are AE's `_sample_interval` × our point weight. The open last bin answers its lower edge. Null for an
 * empty histogram.
 */
export function weightedQuantile(edges: readonly number[], weights: readonly number[], q: number, lowest = 0): number | null {
  if (weights.length !== edges.length + 1) throw new Error(`weightedQuantile: ${edges.length} edges need ${edges.length + 1} weights, got ${weights.length}`);
  if (q < 0 || q > 1) throw new Error(`weightedQuantile: q must be in [0, 1], got ${q}`);
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0) return null;
  const target = q * total;
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w > 0 && cumulative + w >= target) {
      if (i === edges.length) return edges[edges.length - 1] ?? lowest;
      const lo = i === 0 ? Math.min(lowest, edges[0]!) : edges[i - 1]!;
      const hi = edges[i]!;
      return lo + (hi - lo) * ((target - cumulative) / w);
    }
    cumulative += w;
  }
  return edges[edges.length - 1] ?? lowest;
}
