import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../../../src/features";
import { ModelCardSchema } from "../../../src/model/card";
import { toJsonLine } from "../../../scripts/data/format";
import { generateStream } from "../../../scripts/data/stream";
import { DEFAULT_GBDT } from "../../../scripts/train/gbdt";
import { scoreWithOrt } from "../../../scripts/train/parity";
import { runPipeline, type PipelineOptions } from "../../../scripts/train/pipeline";

/** The whole pipeline, small: the same seed gives the same bytes for the model, the card and the reference set. */
const options: PipelineOptions = {
  seed: 5,
  rows: 12_000,
  negativeRate: 0.5,
  warmupDays: 7,
  gbdt: { ...DEFAULT_GBDT, maxTrees: 15, minDataInLeaf: 20 },
  command: "test",
  quiet: true,
};

describe("training pipeline", async () => {
  const a = await runPipeline(options);
  const b = await runPipeline(options);

  it("produces byte-identical model, card, reference and report from the same seed", () => {
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(JSON.stringify(a.card)).toBe(JSON.stringify(b.card));
    expect(JSON.stringify(a.reference)).toBe(JSON.stringify(b.reference));
    expect(a.report).toBe(b.report);
  });

  it("changes when the seed changes", async () => {
    const c = await runPipeline({ ...options, seed: 6 });
    expect(Buffer.from(c.onnx).equals(Buffer.from(a.onnx))).toBe(false);
  });

  it("writes a card the Worker's schema accepts, naming the file, the inputs and the data", () => {
    const card = ModelCardSchema.parse(a.card);
    expect(card.sha256).toBe(createHash("sha256").update(a.onnx).digest("hex"));
    expect(card.features.map((f) => f.name)).toEqual(FEATURE_NAMES);
    expect(card.input.shape).toEqual([null, FEATURE_NAMES.length]);
    expect(Object.keys(card.baselines.reference)).toEqual(FEATURE_NAMES);
    for (const h of [...Object.values(card.baselines.features), card.baselines.score]) {
      expect(h.proportions).toHaveLength(h.edges.length + 1);
      expect(h.proportions.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
    }
    expect(card.thresholds.review).toBeLessThanOrEqual(card.thresholds.decline);
    expect(card.created).toBe(card.training_data.to);
  });

  it("fingerprints the data as the SHA-256 of the generated JSON lines", () => {
    const hash = createHash("sha256");
    for (const r of generateStream({ seed: options.seed, rows: options.rows })) hash.update(toJsonLine(r));
    expect(a.card.training_data.fingerprint).toBe(`sha256:${hash.digest("hex")}`);
  });

  it("ships reference vectors that ONNX Runtime scores as the trainer did", async () => {
    const ref = a.reference;
    expect(ref.rows.length).toBeGreaterThanOrEqual(150);
    expect(ref.model.version).toBe(a.card.version);
    const X = Float32Array.from(ref.rows.flatMap((r) => r.features));
    const ort = await scoreWithOrt(a.onnx, X, FEATURE_NAMES.length, Int32Array.from(ref.rows, (_, i) => i));
    ref.rows.forEach((r, i) => expect(Math.abs(ort[i]! - r.score)).toBeLessThanOrEqual(1e-5));
    expect(a.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
});
