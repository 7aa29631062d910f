import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binOf } from "../../src/analytics/histogram";
import { LATENCY_EDGES_MS } from "../../src/analytics/schema";
import { weightedQuantile } from "../../workers/metrics-exporter/src/quantile";

describe("weightedQuantile", () => {
  const edges = [10, 20, 30];

  it("interpolates inside the bin where the cumulative weight crosses q", () => {
    // 100 in (0,10], 100 in (10,20], 0 in (20,30], 0 above.
    expect(weightedQuantile(edges, [100, 100, 0, 0], 0.5)).toBeCloseTo(10, 12);
    expect(weightedQuantile(edges, [100, 100, 0, 0], 0.75)).toBeCloseTo(15, 12);
    expect(weightedQuantile(edges, [100, 100, 0, 0], 0.25)).toBeCloseTo(5, 12);
  });

  it("weights count like repeated observations (AE's _sample_interval)", () => {
    // One point of weight 9 in (20,30] and one of weight 1 in (0,10]: p50 is in (20,30].
    const q = weightedQuantile(edges, [1, 0, 9, 0], 0.5)!;
    expect(q).toBeGreaterThan(20);
    expect(q).toBeLessThanOrEqual(30);
  });

  it("answers the last edge for the open top bin, null when empty, and checks its inputs", () => {
    expect(weightedQuantile(edges, [0, 0, 0, 5], 0.99)).toBe(30);
    expect(weightedQuantile(edges, [0, 0, 0, 0], 0.5)).toBeNull();
    expect(() => weightedQuantile(edges, [1, 2], 0.5)).toThrow(/weights/);
    expect(() => weightedQuantile(edges, [1, 1, 1, 1], 1.5)).toThrow(/q must/);
  });

  it("on the latency edges, lands in the same bin as the exact weighted quantile of the raw values", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ms: fc.double({ min: 0.1, max: 20_000, noNaN: true }), w: fc.integer({ min: 1, max: 50 }) }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (obs, q) => {
          const weights = new Array<number>(LATENCY_EDGES_MS.length + 1).fill(0);
          for (const o of obs) weights[binOf(LATENCY_EDGES_MS, o.ms)]! += o.w;
          // Exact weighted quantile: the smallest value whose cumulative weight reaches q · total.
          const sorted = [...obs].sort((a, b) => a.ms - b.ms);
          const total = obs.reduce((s, o) => s + o.w, 0);
          let cum = 0;
          const exact = sorted.find((o) => (cum += o.w) >= q * total)!.ms;
          const estimate = weightedQuantile(LATENCY_EDGES_MS, weights, q)!;
          const bin = binOf(LATENCY_EDGES_MS, exact);
          const lo = bin === 0 ? 0 : LATENCY_EDGES_MS[bin - 1]!;
          const hi = LATENCY_EDGES_MS[Math.min(bin, LATENCY_EDGES_MS.length - 1)]!;
          expect(estimate).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(estimate).toBeLessThanOrEqual(hi + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
