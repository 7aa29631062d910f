import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";
import { describe, expect, it } from "vitest";
import { Rng } from "../../../scripts/data/prng";
import { DEFAULT_GBDT, predict, trainGbdt } from "../../../scripts/train/gbdt";
import { INPUT_NAME, OUTPUT_NAME, toOnnx } from "../../../scripts/train/onnx";
import { maxAbsDiff, scoreWithOrt } from "../../../scripts/train/parity";

/** The exported file is a valid ONNX model that ONNX Runtime scores exactly like the trainer. */
const F = 5;
const n = 4000;
const rng = new Rng(11);
const X = new Float32Array(n * F);
const y = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  // mixed scales and a few discrete features, like the real inputs
  X[i * F] = rng.logNormal(50, 1.5);
  X[i * F + 1] = rng.int(-1, 1);
  X[i * F + 2] = rng.normal();
  X[i * F + 3] = rng.int(0, 30);
  X[i * F + 4] = rng.next();
  const z = Math.log(X[i * F]!) - 4 + 1.5 * X[i * F + 1]! + X[i * F + 2]! * (X[i * F + 3]! > 10 ? 2 : -1);
  y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}
const all = Int32Array.from({ length: n }, (_, i) => i);
const { model } = trainGbdt(
  { X, features: F, rows: all.subarray(0, 3000), y },
  { X, features: F, rows: all.subarray(3000), y },
  { ...DEFAULT_GBDT, maxTrees: 40, minDataInLeaf: 10 },
);
const names = ["amount", "flag", "signal", "count", "noise"];
const bytes = toOnnx(model, { featureNames: names, docString: "test" });

describe("ONNX export", () => {
  it("declares the ML and default opsets, IR 8, X [N, F] in and score [N, 1] out", () => {
    const m = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", 13], ["ai.onnx.ml", 3]]);
    const graph = m.graph!;
    expect(graph.node!.map((nd) => nd.opType)).toEqual(["TreeEnsembleRegressor", "Sigmoid"]);
    const input = graph.input![0]!;
    expect(input.name).toBe(INPUT_NAME);
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(["N", F]);
    expect(graph.output![0]!.name).toBe(OUTPUT_NAME);
    expect(JSON.parse(m.metadataProps.find((p) => p.key === "feature_names")!.value!)).toEqual(names);
  });

  it("loads in onnxruntime-node and matches the trainer to 1e-5, with shape [N, 1]", async () => {
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [INPUT_NAME]: new ort.Tensor("float32", X.slice(0, 3 * F), [3, F]) });
    expect(out[OUTPUT_NAME]!.dims).toEqual([3, 1]);
    await session.release();
    const diff = maxAbsDiff(await scoreWithOrt(bytes, X, F, all), predict(model, X, all));
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it("agrees on values exactly at, just below and just above every split threshold", async () => {
    const probes: number[] = [];
    for (const tree of model.trees) {
      for (let node = 0; node < tree.feature.length; node++) {
        const f = tree.feature[node]!;
        if (f < 0) continue;
        const t = tree.threshold[node]!;
        for (const v of [t, nudge(t, -1), nudge(t, 1)]) {
          const base = ((probes.length / F) % n) * F;
          const row = Array.from(X.subarray(base, base + F));
          row[f] = v;
          probes.push(...row);
        }
      }
    }
    const P = Float32Array.from(probes);
    const rows = Int32Array.from({ length: P.length / F }, (_, i) => i);
    expect(maxAbsDiff(await scoreWithOrt(bytes, P, F, rows), predict(model, P, rows))).toBeLessThanOrEqual(1e-5);
  });

  it("encodes the same model to the same bytes", () => {
    expect(Buffer.from(toOnnx(model, { featureNames: names, docString: "test" })).equals(Buffer.from(bytes))).toBe(true);
  });
});

/** The adjacent float32 in direction `dir`. */
function nudge(x: number, dir: 1 | -1): number {
  const b = new Float32Array([x]);
  const i = new Int32Array(b.buffer);
  if (x === 0) return dir * 1e-45;
  i[0] = i[0]! + (x > 0 ? dir : -dir);
  return b[0]!;
}
