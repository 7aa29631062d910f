import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { depthOf, emptyTree, margin, readTreeEnsemble, type Tree, type TreeEnsemble } from "../../../src/model/trees";
import { BaselineShapley } from "../../../src/scoring/attribution";
import card from "../../../models/fraud-gbdt.card.json";
import reference from "../../../models/fraud-gbdt.reference.json";

/**
 * The attribution behind reasons (src/scoring/attribution.ts) against the definition of the Shapley value itself:
 * for small generated ensembles every coalition S of features is enumerated, the hybrid row (x on S, the
 * reference elsewhere) scored, and φ_j = Σ_{S ∌ j} |S|!(n−|S|−1)!/n! · (v(S ∪ {j}) − v(S)).
 */
function bruteForce(e: TreeEnsemble, x: Float32Array, r: Float32Array): number[] {
  const n = x.length;
  const fact = [1];
  for (let i = 1; i <= n; i++) fact.push(fact[i - 1]! * i);
  const v = (mask: number) => margin(e, Float32Array.from(x, (xi, i) => (mask & (1 << i) ? xi : r[i]!)));
  const values = Array.from({ length: 1 << n }, (_, mask) => v(mask));
  return Array.from({ length: n }, (_, j) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << j)) continue;
      const size = popcount(mask);
      phi += ((fact[size]! * fact[n - size - 1]!) / fact[n]!) * (values[mask | (1 << j)]! - values[mask]!);
    }
    return phi;
  });
}
const popcount = (m: number) => m.toString(2).replace(/0/g, "").length;

/** A value among a few, so rows and references often meet the same thresholds (and sometimes are missing). */
const value = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(-1, 0, 0.5, 1, 2, 3) }, { weight: 1, arbitrary: fc.constant(Number.NaN) });

function tree(width: number, depth: number): fc.Arbitrary<Tree> {
  type Node = { leaf: number } | { f: number; th: number; mode: number; missingYes: boolean; yes: Node; no: Node };
  const node: fc.Memo<Node> = fc.memo((d) =>
    d <= 1
      ? fc.record({ leaf: fc.double({ min: -2, max: 2, noNaN: true }) })
      : fc.oneof(
          { weight: 1, arbitrary: fc.record({ leaf: fc.double({ min: -2, max: 2, noNaN: true }) }) },
          {
            weight: 3,
            arbitrary: fc.record({
              f: fc.integer({ min: 0, max: width - 1 }),
              th: fc.constantFrom(-0.5, 0, 0.5, 1, 1.5, 2),
              mode: fc.integer({ min: 0, max: 5 }),
              missingYes: fc.boolean(),
              yes: node(d - 1),
              no: node(d - 1),
            }),
          },
        ),
  );
  return node(depth).map((root) => {
    const nodes: Node[] = [];
    const ids = new Map<Node, number>();
    const visit = (n: Node) => {
      ids.set(n, nodes.length);
      nodes.push(n);
      if ("f" in n) [n.yes, n.no].forEach(visit);
    };
    visit(root);
    const t = emptyTree(nodes.length);
    nodes.forEach((n, k) => {
      if ("leaf" in n) {
        t.feature[k] = -1;
        t.value[k] = n.leaf;
      } else {
        [t.feature[k], t.threshold[k], t.mode[k], t.missingYes[k], t.yes[k], t.no[k]] = [n.f, n.th, n.mode, n.missingYes ? 1 : 0, ids.get(n.yes)!, ids.get(n.no)!];
      }
    });
    return t;
  });
}


const problem = fc.integer({ min: 1, max: 7 }).chain((width) =>
  fc.record({
    width: fc.constant(width),
    trees: fc.array(tree(width, 5), { minLength: 1, maxLength: 5 }),
    base: fc.double({ min: -3, max: 3, noNaN: true }),
    rows: fc.array(fc.array(value, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 4 }),
    reference: fc.array(value.filter((v) => !Number.isNaN(v)), { minLength: width, maxLength: width }),
  }),
);

type Problem = typeof problem extends fc.Arbitrary<infer P> ? P : never;

/** A generated problem explained: the ensemble, the reference row, and φ of every row (row-major). */
function explained({ width, trees, base, rows, reference }: Problem) {
  const e: TreeEnsemble = { base, trees, maxDepth: Math.max(...trees.map((t) => depthOf(t))) };
  const r = Float32Array.from(reference);
  const explainer = new BaselineShapley(e, r);
  return { e, r, explainer, phi: explainer.explain(Float32Array.from(rows.flat()), width) };
}

describe("baseline Shapley values of a tree ensemble", () => {
  it("equal the brute-force Shapley values over every coalition, for generated ensembles and rows", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { width, rows } = p;
        const { e, r, phi } = explained(p);
        rows.forEach((row, i) => {
          const expected = bruteForce(e, Float32Array.from(row), r);
          expected.forEach((want, j) => expect(phi[i * width + j]).toBeCloseTo(want, 9));
        });
      }),
      { numRuns: 400 },
    );
  });

  it("sum to the row's log-odds minus the reference's, and give 0 to a feature at its reference value", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const { width, rows, reference } = p;
        const { e, explainer, phi } = explained(p);
        rows.forEach((row, i) => {
          let sum = 0;
          for (let j = 0; j < width; j++) {
            sum += phi[i * width + j]!;
            if (Object.is(row[j], reference[j])) expect(phi[i * width + j]).toBe(0);
          }
          expect(sum).toBeCloseTo(margin(e, Float32Array.from(row)) - explainer.referenceMargin, 9);
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe("the served model's trees, read from its ONNX bytes", () => {
  const bytes = readFileSync(new URL("../../../models/fraud-gbdt.onnx", import.meta.url));
  const width = card.features.length;
  const ensemble = readTreeEnsemble(bytes, width);

  it("are the trees the training pipeline wrote, scoring its reference vectors as it did", () => {
    expect(ensemble.trees.length).toBeGreaterThan(10);
    let maxDiff = 0;
    for (const row of reference.rows) {
      const p = 1 / (1 + Math.exp(-margin(ensemble, Float32Array.from(row.features))));
      maxDiff = Math.max(maxDiff, Math.abs(p - row.score));
    }
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it("explain each reference vector exactly: the contributions sum to its log-odds minus the reference row's", () => {
    const ref = Float32Array.from(card.features, (f) => (card.baselines.reference as Record<string, number>)[f.name] ?? 0);
    const explainer = new BaselineShapley(ensemble, ref);
    const rows = Float32Array.from(reference.rows.flatMap((r) => r.features));
    const phi = explainer.explain(rows, width);
    reference.rows.forEach((row, i) => {
      const sum = phi.subarray(i * width, (i + 1) * width).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(margin(ensemble, Float32Array.from(row.features)) - explainer.referenceMargin, 6);
    });
  });

  it("are refused when the graph is not one TreeEnsembleRegressor feeding a Sigmoid", () => {
    expect(() => readTreeEnsemble(bytes.subarray(0, 0), width)).toThrow(/TreeEnsembleRegressor/);
    expect(() => readTreeEnsemble(bytes, 3)).toThrow(/splits on column/);
  });
});
