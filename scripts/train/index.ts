import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeFeaturesCsv } from "./export-features";
import { MODEL_ID } from "./model-card";
import { DEFAULT_PIPELINE, runPipeline } from "./pipeline";

/**
 * `npm run train` — regenerates the data, the model, its card, report and reference vectors from scratch.
 * Options: --rows N --seed S --trees T --negative-rate R --out DIR --no-data --export-features
 */
const { values } = parseArgs({
  options: {
    rows: { type: "string", default: String(DEFAULT_PIPELINE.rows) },
    seed: { type: "string", default: String(DEFAULT_PIPELINE.seed) },
    trees: { type: "string", default: String(DEFAULT_PIPELINE.gbdt.maxTrees) },
    "negative-rate": { type: "string", default: String(DEFAULT_PIPELINE.negativeRate) },
    out: { type: "string", default: "models" },
    "no-data": { type: "boolean", default: false },
    "export-features": { type: "boolean", default: false },
  },
});

const rows = Number(values.rows);
const seed = Number(values.seed);
const maxTrees = Number(values.trees);
const negativeRate = Number(values["negative-rate"]);
if (![rows, seed, maxTrees].every(Number.isInteger) || rows < 1000 || maxTrees < 1 || !(negativeRate > 0 && negativeRate <= 1)) {
  console.error("usage: train [--rows N>=1000] [--seed S] [--trees T] [--negative-rate (0,1]] [--out DIR] [--no-data] [--export-features]");
  process.exit(2);
}

const args = process.argv.slice(2).join(" ");
const started = performance.now();
const result = await runPipeline({
  ...DEFAULT_PIPELINE,
  seed,
  rows,
  negativeRate,
  gbdt: { ...DEFAULT_PIPELINE.gbdt, maxTrees },
  dataPath: values["no-data"] ? null : `data/stream-${seed}-${rows}.jsonl`,
  command: `npm run train${args ? ` -- ${args}` : ""}`,
  log: (line) => console.log(line),
});

mkdirSync(values.out, { recursive: true });
const file = (ext: string) => join(values.out, `${MODEL_ID}.${ext}`);
writeFileSync(file("onnx"), result.onnx);
writeFileSync(file("card.json"), `${JSON.stringify(result.card, null, 2)}\n`);
writeFileSync(file("report.md"), result.report);
writeFileSync(file("reference.json"), `${JSON.stringify(result.reference)}\n`);

if (values["export-features"]) {
  const { dataset: ds, split } = result;
  await writeFeaturesCsv("data/features-train.csv", ds, split.train, split.trainWeights);
  await writeFeaturesCsv("data/features-validation.csv", ds, split.validation);
  await writeFeaturesCsv("data/features-test.csv", ds, split.test);
  console.log("wrote data/features-{train,validation,test}.csv");
}

const total = (performance.now() - started) / 1000;
const m = result.card.metrics;
console.log(`\nwrote ${file("onnx")} (${result.onnx.length.toLocaleString("en-US")} bytes, ${result.card.version}), card, report, reference`);
console.log(`test: ROC-AUC ${m.roc_auc!.toFixed(4)}, PR-AUC ${m.pr_auc!.toFixed(4)}, recall@1%FPR ${m.recall_at_1pct_fpr!.toFixed(4)} ` +
  `(logistic baseline ROC-AUC ${m.logistic_baseline_roc_auc!.toFixed(4)}); ONNX parity max |diff| ${result.parityMaxAbsDiff.toExponential(2)}`);
console.log(`thresholds: review ${result.card.thresholds.review}, decline ${result.card.thresholds.decline}`);
console.log(`total ${total.toFixed(1)}s (${Object.entries(result.timings).map(([k, s]) => `${k} ${s.toFixed(1)}s`).join(", ")})`);
