import { createHash } from "node:crypto";
import { FEATURE_NAMES } from "../../src/features";
import type { ModelCard } from "../../src/model/card";
import { buildDataset, type Dataset } from "./dataset";
import { evaluate, type Evaluation } from "./evaluate";
import { DEFAULT_GBDT, predict, trainGbdt, type GbdtParams } from "./gbdt";
import { predictLogistic, trainLogistic } from "./logistic";
import { MODEL_ID, buildCard } from "./model-card";
import { toOnnx } from "./onnx";
import { maxAbsDiff, scoreWithOrt } from "./parity";
import { referenceRows, type ReferenceFile } from "./reference";
import { renderReport } from "./report";
import { timeSplit, type Split } from "./split";
import { chooseThresholds } from "./thresholds";

/**
 * The whole training pipeline as one function: stream → features (replay) → split → trees and baseline →
 * thresholds → evaluation → ONNX → parity check → card, report and reference vectors. Pure apart from the
 * optional data file: the same options give byte-identical artefacts.
 */
export interface PipelineOptions {
  seed: number;
  rows: number;
  days?: number;
  negativeRate: number;
  warmupDays: number;
  gbdt: GbdtParams;
  /** Write the generated stream here as JSON lines (null: hash it only). */
  dataPath?: string | null;
  /** How the run was started, for the report. */
  command: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_PIPELINE: Omit<PipelineOptions, "command"> = {
  seed: 42,
  rows: 1_000_000,
  negativeRate: 0.25,
  warmupDays: 7,
  gbdt: DEFAULT_GBDT,
};

export interface PipelineResult {
  onnx: Uint8Array;
  card: ModelCard;
  report: string;
  reference: ReferenceFile;
  dataset: Dataset;
  split: Split;
  trainWeights: Float64Array;
  test: Evaluation;
  baseline: Evaluation;
  parityMaxAbsDiff: number;
  /** Seconds per step (wall clock: not part of any artefact). */
  timings: Record<string, number>;
}

export const PARITY_TOLERANCE = 1e-5;

/**
 * `dataset`: train on these rows instead of generating them; `givenSplit`: and split them so (npm run retrain: the
 * stream plus labelled decisions, each split in time order on its own).
 */
export async function runPipeline(o: PipelineOptions, dataset?: Dataset, givenSplit?: Split): Promise<PipelineResult> {
  const log = o.log ?? (() => {});
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    timings[name] = (now - mark) / 1000;
    mark = now;
    log(`${name}: ${timings[name]!.toFixed(1)}s`);
  };

  const ds = dataset ?? (await buildDataset({ seed: o.seed, rows: o.rows, ...(o.days ? { days: o.days } : {}), dataPath: o.dataPath ?? null, quiet: o.quiet ?? false }));
  step(dataset ? "dataset given" : "generate + replay features");

  const split = givenSplit ?? timeSplit(ds, { warmupDays: o.warmupDays, trainShare: 0.7, validationShare: 0.15, negativeRate: o.negativeRate, seed: o.seed });
  const train = { X: ds.X, features: ds.features, rows: split.train, y: ds.y, w: split.trainWeights };
  const valid = { X: ds.X, features: ds.features, rows: split.validation, y: ds.y };
  log(`split: ${split.train.length} training rows (of ${split.trainPeriod.length}), ${split.validation.length} validation, ${split.test.length} test`);

  const fit = trainGbdt(train, valid, o.gbdt, (i, loss) => {
    if (i % 25 === 0) log(`  tree ${i}: validation log-loss ${loss.toFixed(5)}`);
  });
  const model = fit.model;
  step("train GBDT");

  const lr = trainLogistic(train);
  step("train logistic baseline");

  const labels = (rows: Int32Array) => Uint8Array.from(rows, (r) => ds.y[r]!);
  const typologies = (rows: Int32Array) => Uint8Array.from(rows, (r) => ds.typology[r]!);
  const validScores = predict(model, ds.X, split.validation);
  const testScores = predict(model, ds.X, split.test);
  const thresholds = chooseThresholds(validScores, labels(split.validation));
  const validation = evaluate(validScores, labels(split.validation), typologies(split.validation), thresholds);
  const test = evaluate(testScores, labels(split.test), typologies(split.test), thresholds);
  const lrThresholds = chooseThresholds(predictLogistic(lr, ds.X, ds.features, split.validation), labels(split.validation));
  const baseline = evaluate(predictLogistic(lr, ds.X, ds.features, split.test), labels(split.test), typologies(split.test), lrThresholds);
  step("evaluate");

  const onnx = toOnnx(model, {
    featureNames: FEATURE_NAMES,
    docString: `P(fraud) from ${FEATURE_NAMES.length} features (src/features); input X float32 [N, ${FEATURE_NAMES.length}], output score float32 [N, 1].`,
  });
  const sha256 = createHash("sha256").update(onnx).digest("hex");
  const version = `1.0.0+${sha256.slice(0, 12)}`;
  step("export ONNX");

  const ortScores = await scoreWithOrt(onnx, ds.X, ds.features, split.test);
  const parityMaxAbsDiff = maxAbsDiff(ortScores, testScores);
  if (!(parityMaxAbsDiff <= PARITY_TOLERANCE)) throw new Error(`ONNX Runtime disagrees with the trainer: max |diff| ${parityMaxAbsDiff}`);
  step("parity check (onnxruntime-node)");

  const stride = Math.max(1, Math.floor(split.trainPeriod.length / 200_000));
  const baselineRows = split.trainPeriod.filter((_, k) => k % stride === 0);
  const card = buildCard({
    version, sha256, params: o.gbdt, trees: model.trees.length, seed: o.seed, dataset: ds, trainPeriod: baselineRows,
    validationScores: validScores, thresholds, test, baseline,
  });
  const reference = referenceRows(ds, split.test, testScores, o.seed, { id: MODEL_ID, version });
  const report = renderReport({
    id: MODEL_ID, version, sha256, onnxBytes: onnx.length, command: o.command, seed: o.seed, negativeRate: o.negativeRate,
    params: o.gbdt, trees: model.trees.length, leaves: model.trees.reduce((s, t) => s + t.feature.filter((f) => f < 0).length, 0),
    validLoss: fit.validLoss, dataset: ds, split, thresholds, gbdt: { validation, test }, logistic: { test: baseline },
    parity: { rows: split.test.length, maxAbsDiff: parityMaxAbsDiff }, gainByFeature: fit.gainByFeature,
  });
  step("card, report, reference");

  return { onnx, card, report, reference, dataset: ds, split, trainWeights: split.trainWeights, test, baseline, parityMaxAbsDiff, timings };
}
