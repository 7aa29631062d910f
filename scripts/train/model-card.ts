import { FEATURES } from "../../src/features";
import { ModelCardSchema, type ModelCard } from "../../src/model/card";
import type { Dataset } from "./dataset";
import type { Evaluation } from "./evaluate";
import type { GbdtParams } from "./gbdt";
import { INPUT_NAME, OUTPUT_NAME } from "./onnx";
import type { Thresholds } from "./thresholds";
import { SCORE_EDGES, featureEdges, histogram, median } from "./baselines";

export const MODEL_ID = "fraud-gbdt";

export interface CardInputs {
  version: string;
  sha256: string;
  params: GbdtParams;
  trees: number;
  seed: number;
  dataset: Dataset;
  /** Rows of the training period (natural distribution) for the feature baselines. */
  trainPeriod: Int32Array;
  /** Validation scores for the score baseline. */
  validationScores: ArrayLike<number>;
  thresholds: Thresholds;
  test: Evaluation;
  baseline: Evaluation;
}

const iso = (t: number) => new Date(t).toISOString();

/** Column `f` of the given rows. */
function column(ds: Dataset, rows: Int32Array, f: number, only?: 0 | 1): Float32Array {
  const out: number[] = [];
  for (const r of rows) if (only === undefined || ds.y[r] === only) out.push(ds.X[r * ds.features + f]!);
  return Float32Array.from(out);
}

/** The card the Worker loads next to the model; validated against the shared schema before it is written. */
export function buildCard(c: CardInputs): ModelCard {
  const ds = c.dataset;
  const reference: Record<string, number> = {};
  const featureHistograms: ModelCard["baselines"]["features"] = {};
  FEATURES.forEach((f, i) => {
    reference[f.name] = median(column(ds, c.trainPeriod, i, 0));
    const all = column(ds, c.trainPeriod, i);
    featureHistograms[f.name] = histogram(all, featureEdges(all));
  });
  let fraud = 0;
  for (let i = 0; i < ds.rows; i++) fraud += ds.y[i]!;
  const m = (e: Evaluation, prefix = "") => ({
    [`${prefix}roc_auc`]: e.rocAuc,
    [`${prefix}pr_auc`]: e.prAuc,
    [`${prefix}recall_at_1pct_fpr`]: e.recallAt1PctFpr,
    [`${prefix}log_loss`]: e.logLoss,
  });
  const card: ModelCard = {
    id: MODEL_ID,
    version: c.version,
    created: iso(ds.t[ds.rows - 1]!),
    description:
      "P(fraud) of a card payment from transaction, network and behavioural (card / device / IP / customer " +
      "velocity) features. Trained on the synthetic labelled stream of scripts/data; see models/fraud-gbdt.report.md.",
    algorithm:
      `Histogram gradient-boosted decision trees (log-loss), ${c.trees} trees, depth <= ${c.params.maxDepth}, ` +
      `<= ${c.params.maxLeaves} leaves, learning rate ${c.params.learningRate}, L2 ${c.params.lambda}, ` +
      `min child hessian ${c.params.minChildWeight}; ONNX ai.onnx.ml TreeEnsembleRegressor (SUM) + Sigmoid.`,
    file: `${MODEL_ID}.onnx`,
    sha256: c.sha256,
    features: FEATURES.map((f) => ({ ...f })),
    input: { name: INPUT_NAME, dtype: "float32", shape: [null, FEATURES.length] },
    output: { name: OUTPUT_NAME, dtype: "float32" },
    thresholds: { review: c.thresholds.review, decline: c.thresholds.decline, rationale: c.thresholds.rationale },
    metrics: {
      ...m(c.test),
      brier: c.test.brier,
      test_rows: c.test.rows,
      test_fraud_rate: c.test.fraudRate,
      review_rate: c.test.review.rate,
      review_precision: c.test.review.precision,
      review_recall: c.test.review.recall,
      decline_rate: c.test.decline.rate,
      decline_precision: c.test.decline.precision,
      decline_recall: c.test.decline.recall,
      ...m(c.baseline, "logistic_baseline_"),
    },
    training_data: {
      fingerprint: `sha256:${ds.fingerprint}`,
      generator: "scripts/data generateStream (npm run generate)",
      seed: c.seed,
      rows: ds.rows,
      fraud_rate: fraud / ds.rows,
      from: iso(ds.t[0]!),
      to: iso(ds.t[ds.rows - 1]!),
    },
    baselines: {
      reference,
      features: featureHistograms,
      score: histogram(c.validationScores, SCORE_EDGES),
    },
  };
  return ModelCardSchema.parse(card);
}
