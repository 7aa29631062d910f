import { describe, expect, it } from "vitest";
import { psi } from "../../workers/metrics-exporter/src/psi";

describe("psi", () => {
  it("is 0 for the same distribution, whatever the sample size", () => {
    expect(psi([0.2, 0.3, 0.5], [20, 30, 50])).toBeCloseTo(0, 12);
    expect(psi([0.2, 0.3, 0.5], [2000, 3000, 5000])).toBeCloseTo(0, 12);
  });

  it("matches the definition Σ (a − e) ln(a / e) on a worked example", () => {
    const e = [0.25, 0.25, 0.25, 0.25];
    const a = [0.1, 0.2, 0.3, 0.4];
    const expected = a.reduce((s, ai, i) => s + (ai - e[i]!) * Math.log(ai / e[i]!), 0);
    expect(psi(e, a.map((x) => x * 1000))).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.2282, 4);
  });

  it("grows with the shift and is symmetric in its arguments' roles", () => {
    const base = [0.5, 0.3, 0.15, 0.05];
    const small = psi(base, [48, 31, 16, 5])!;
    const large = psi(base, [20, 30, 30, 20])!;
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(0.1);
    expect(large).toBeGreaterThan(0.25);
    expect(psi([20, 30, 30, 20], [50, 30, 15, 5])).toBeCloseTo(large, 12);
  });

  it("stays finite when a bin is empty on one side", () => {
    const v = psi([0.5, 0.5, 0], [10, 10, 5]);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0.25);
  });

  it("is null with nothing observed, and refuses mismatched bins", () => {
    expect(psi([0.5, 0.5], [0, 0])).toBeNull();
    expect(() => psi([0.5, 0.5], [1, 2, 3])).toThrow(/bins/);
  });
});
