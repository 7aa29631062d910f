/**
 * How much one feature moves the model's score: legitimate rows of a generated stream scored as they are and with
 * the feature set to a value, through ONNX Runtime (docs/feedback.md#network-memory-of-confirmed-fraud).
 *
 *   npx tsx scripts/analysis/feature-effect.ts [--model models/fraud-gbdt.onnx] [--feature card_confirmed_fraud_90d]
 *       [--value 1] [--rows 3000] [--seed 3]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { BehaviourReplay, FEATURE_COUNT, FEATURE_NAMES } from "../../src/features";
import { generateStream } from "../data/stream";
import { scoreWithOrt } from "../train/parity";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "models/fraud-gbdt.onnx" },
    feature: { type: "string", default: "card_confirmed_fraud_90d" },
    value: { type: "string", default: "1" },
    rows: { type: "string", default: "3000" },
    seed: { type: "string", default: "3" },
  },
});
const col = FEATURE_NAMES.indexOf(values.feature);
if (col < 0) throw new Error(`unknown feature ${values.feature}`);
const n = Number(values.rows);
const replay = new BehaviourReplay();
const X = new Float32Array(n * FEATURE_COUNT * 2);
let k = 0;
for (const r of generateStream({ seed: Number(values.seed), rows: n * 40 })) {
  const row = replay.next({ tx: r.tx, edge: r.edge, t: r.t });
  if (r.label_at !== undefined) replay.labelLater(r.tx, r.t, r.label_at);
  if (k === n || r.label !== 0 || !r.tx.device) continue;
  X.set(row, 2 * k * FEATURE_COUNT);
  row[col] = Number(values.value);
  X.set(row, (2 * k + 1) * FEATURE_COUNT);
  k++;
}
const scores = await scoreWithOrt(new Uint8Array(readFileSync(values.model)), X.subarray(0, 2 * k * FEATURE_COUNT), FEATURE_COUNT, Int32Array.from({ length: 2 * k }, (_, i) => i));
const ratios = Array.from({ length: k }, (_, i) => scores[2 * i + 1]! / Math.max(1e-9, scores[2 * i]!)).sort((a, b) => a - b);
const q = (p: number) => ratios[Math.min(k - 1, Math.floor(k * p))]!.toFixed(1);
console.log(`${values.feature} = ${values.value} on ${k} legitimate rows (seed ${values.seed}), ${values.model}:`);
console.log(`  raised ${ratios.filter((r) => r > 1).length} of ${k} scores; score ratio p10 ×${q(0.1)}, median ×${q(0.5)}, p90 ×${q(0.9)}`);
