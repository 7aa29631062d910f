/**
 * The network memory in a generated stream: how many rows see a confirmed-fraud mark on their card, device or
 * customer (labels learnt at their generated delay), and how many of those are fraud.
 *
 *   npx tsx scripts/analysis/marked-rows.ts [--rows 1000000] [--seed 42]
 */
import { parseArgs } from "node:util";
import { BehaviourReplay, FEATURE_COUNT, FEATURE_NAMES, MARKED_KINDS } from "../../src/features";
import { generateStream } from "../data/stream";
import { Progress } from "../data/progress";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" }, seed: { type: "string", default: "42" } } });
const rows = Number(values.rows);
const replay = new BehaviourReplay();
const out = new Float32Array(FEATURE_COUNT);
const cols = MARKED_KINDS.map((kind) => ({ kind, col: FEATURE_NAMES.indexOf(`${kind}_confirmed_fraud_90d`), marked: 0, fraud: 0 }));
const progress = new Progress("replay", rows);
let fraud = 0;
for (const r of generateStream({ seed: Number(values.seed), rows })) {
  replay.next({ tx: r.tx, edge: r.edge, t: r.t }, out);
  if (r.label_at !== undefined) replay.labelLater(r.tx, r.t, r.label_at);
  fraud += r.label;
  for (const c of cols) if (out[c.col]! > 0) [c.marked, c.fraud] = [c.marked + 1, c.fraud + r.label];
  progress.tick();
}
progress.finish();
console.log(`${rows} rows (seed ${values.seed}), fraud rate ${((100 * fraud) / rows).toFixed(2)} %`);
for (const c of cols) console.log(`  ${c.kind}: ${c.marked} rows with a mark, ${((100 * c.fraud) / Math.max(1, c.marked)).toFixed(1)} % of them fraud`);
