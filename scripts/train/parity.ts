import * as ort from "onnxruntime-node";
import { INPUT_NAME, OUTPUT_NAME } from "./onnx";

/** Scores rows of X with ONNX Runtime (native, one thread), in batches. */
export async function scoreWithOrt(onnxBytes: Uint8Array, X: Float32Array, features: number, rows: Int32Array, batch = 8192): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = new Float32Array(rows.length);
  try {
    for (let start = 0; start < rows.length; start += batch) {
      const m = Math.min(batch, rows.length - start);
      const input = new Float32Array(m * features);
      for (let k = 0; k < m; k++) input.set(X.subarray(rows[start + k]! * features, (rows[start + k]! + 1) * features), k * features);
      const result = await session.run({ [INPUT_NAME]: new ort.Tensor("float32", input, [m, features]) });
      out.set(result[OUTPUT_NAME]!.data as Float32Array, start);
    }
  } finally {
    await session.release();
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error("length mismatch");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
