/**
 * Backtests a rule: replays the generated labelled payment stream (scripts/data, the stream training uses) through
 * the shared feature definition, scores every transaction with the served model, and decides each twice through the
 * policy's own code (src/policy/evaluate.ts) — with the model alone, and with the rule — then reports how often the
 * rule holds, its precision and recall against the labels, and how the decision rates move.
 *
 *   npm run backtest -- --rule 'tx.amount_usd > 500.0 && features.card_age_days < 1.0' [--action block]
 *                       [--rows 200000] [--seed 42] [--file data/stream-42-1000000.jsonl] [--json]
 *
 * With --file the stream is read from a JSON-lines file `npm run generate` wrote (its first --rows lines); else it
 * is generated in memory (reproducible from --seed). Behaviour is replayed over the whole stream in time order,
 * exactly as serving would have seen it. A rule that fails at run time for a row is counted and does not match.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { BehaviourReplay, FEATURE_COUNT, type ScoringInput } from "../src/features";
import { ModelCardSchema } from "../src/model/card";
import { RangeIndex, compileRule, decideWithPolicy, ruleContext, type PolicyView } from "../src/policy";
import { RULE_ACTIONS, type Rule, type RuleAction } from "../src/schemas/policy";
import type { Decision } from "../src/schemas/score";
import { runMain } from "./cli";
import { Progress } from "./data/progress";
import { generateStream } from "./data/stream";

const { values } = parseArgs({
  options: {
    rule: { type: "string" },
    action: { type: "string", default: "block" },
    rows: { type: "string", default: "200000" },
    seed: { type: "string", default: "42" },
    file: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const CHUNK = 4096;

interface Labelled {
  input: ScoringInput;
  label: number;
  /** When the fraud label came back (the generator's label delay): the network memory learns it then. */
  labelAt?: number;
}

async function* records(): AsyncGenerator<Labelled> {
  const rows = Number(values.rows);
  if (values.file) {
    const lines = createInterface({ input: createReadStream(values.file), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      if (n++ >= rows) break;
      const r = JSON.parse(line) as { tx: ScoringInput["tx"]; edge: ScoringInput["edge"]; t: number; label: number; label_at?: number };
      yield { input: { tx: r.tx, edge: r.edge, t: r.t }, label: r.label, ...(r.label_at !== undefined && { labelAt: r.label_at }) };
    }
    return;
  }
  for (const r of generateStream({ seed: Number(values.seed), rows })) yield { input: { tx: r.tx, edge: r.edge, t: r.t }, label: r.label, ...(r.label_at !== undefined && { labelAt: r.label_at }) };
}

type Counts = Record<Decision, { all: number; fraud: number }>;
const emptyCounts = (): Counts => ({ approve: { all: 0, fraud: 0 }, review: { all: 0, fraud: 0 }, decline: { all: 0, fraud: 0 } });

async function main(): Promise<void> {
  if (!values.rule) throw new Error("usage: npm run backtest -- --rule '<CEL expression>' [--action block|review|allow|request_3ds] [--rows N] [--seed S] [--file path] [--json]");
  const action = values.action as RuleAction;
  if (!RULE_ACTIONS.includes(action)) throw new Error(`--action must be one of ${RULE_ACTIONS.join(", ")}`);
  const compiled = compileRule(values.rule);
  if (!compiled.ok) {
    const at = compiled.problem.start !== undefined ? ` at offset ${compiled.problem.start}` : "";
    throw new Error(`the rule does not compile (${compiled.problem.code}${at}): ${compiled.problem.message}`);
  }
  if (values.file && !existsSync(values.file)) throw new Error(`no such file ${values.file} (npm run generate writes one)`);

  const card = ModelCardSchema.parse(JSON.parse(readFileSync("models/fraud-gbdt.card.json", "utf8")));
  const session = await ort.InferenceSession.create("models/fraud-gbdt.onnx", { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const now = new Date().toISOString();
  const rule: Rule = { id: "rule_backtest", name: "backtest", expression: values.rule, action, enabled: true, created_at: now, created_by: "backtest", updated_at: now };
  const withRule: PolicyView = { version: 1, ranges: new RangeIndex(), rules: [{ rule, run: compiled.run }] };
  const modelOnly: PolicyView = { version: 0, ranges: new RangeIndex(), rules: [] };

  const before = emptyCounts();
  const after = emptyCounts();
  let [rows, fraud, hits, fraudHits, errors, request3ds] = [0, 0, 0, 0, 0, 0];
  const firstError: string[] = [];
  const replay = new BehaviourReplay();
  const X = new Float32Array(CHUNK * FEATURE_COUNT);
  const chunk: Labelled[] = [];
  const progress = new Progress("backtest", Number(values.rows), values.json);

  const flush = async () => {
    const n = chunk.length;
    if (n === 0) return;
    const input = new ort.Tensor("float32", X.subarray(0, n * FEATURE_COUNT), [n, FEATURE_COUNT]);
    const out = await session.run({ [card.input.name]: input });
    const scores = out[card.output.name]!.data as Float32Array;
    for (let i = 0; i < n; i++) {
      const { input: tx, label } = chunk[i]!;
      const score = scores[i]!;
      const probe = { probes: [], found: () => undefined, context: () => ruleContext(tx, X, i * FEATURE_COUNT, score) };
      const base = decideWithPolicy(score, card.thresholds, modelOnly, probe, tx.t);
      const ruled = decideWithPolicy(score, card.thresholds, withRule, probe, tx.t);
      const held = ruled.hits.some((h) => h.type === "rule") || ruled.request3ds;
      rows++;
      fraud += label;
      if (held) {
        hits++;
        fraudHits += label;
      }
      if (ruled.request3ds) request3ds++;
      if (ruled.ruleErrors.length > 0) {
        errors++;
        if (firstError.length === 0) firstError.push(ruled.ruleErrors[0]!.message);
      }
      before[base.decision].all++;
      before[base.decision].fraud += label;
      after[ruled.decision].all++;
      after[ruled.decision].fraud += label;
    }
    progress.tick(n);
    chunk.length = 0;
  };

  for await (const r of records()) {
    replay.next(r.input, X, chunk.length * FEATURE_COUNT);
    if (r.labelAt !== undefined) replay.labelLater(r.input.tx, r.input.t, r.labelAt);
    chunk.push(r);
    if (chunk.length === CHUNK) await flush();
  }
  await flush();
  progress.finish();

  // A rule that holds only when the model's own stage would not decide differently still "holds": hits count the
  // condition; the decision rates show what it changes.
  const pct = (x: number, of: number) => (of === 0 ? "n/a" : `${((100 * x) / of).toFixed(2)} %`);
  const rate = (c: Counts, d: Decision) => pct(c[d].all, rows);
  const summary = {
    rule: values.rule,
    action,
    rows,
    fraud,
    hits,
    hit_rate: hits / rows,
    precision: hits === 0 ? null : fraudHits / hits,
    recall: fraud === 0 ? null : fraudHits / fraud,
    rule_errors: errors,
    request_3ds: request3ds,
    decisions_before: before,
    decisions_after: after,
    fraud_declined: { before: before.decline.fraud, after: after.decline.fraud },
    legitimate_declined: { before: before.decline.all - before.decline.fraud, after: after.decline.all - after.decline.fraud },
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`\nbacktest: ${values.rule}  →  ${action}`);
  console.log(`  ${rows.toLocaleString("en-US")} transactions (${fraud.toLocaleString("en-US")} fraud, ${pct(fraud, rows)}), ${values.file ? `from ${values.file}` : `generated with seed ${values.seed}`}`);
  console.log(`  the rule holds for ${hits.toLocaleString("en-US")} (${pct(hits, rows)}): precision ${summary.precision === null ? "n/a" : pct(fraudHits, hits)}, recall ${summary.recall === null ? "n/a" : pct(fraudHits, fraud)}`);
  if (errors > 0) console.log(`  it failed at run time for ${errors.toLocaleString("en-US")} transactions (skipped there), e.g. ${firstError[0]}`);
  console.log(`\n  | decision | model alone | with the rule |`);
  console.log(`  | --- | ---: | ---: |`);
  for (const d of ["approve", "review", "decline"] as const) console.log(`  | ${d} | ${rate(before, d)} | ${rate(after, d)} |`);
  console.log(`\n  fraud declined: ${before.decline.fraud} → ${after.decline.fraud} of ${fraud}; legitimate declined: ${summary.legitimate_declined.before} → ${summary.legitimate_declined.after}`);
  if (action === "request_3ds") console.log(`  3-D Secure requested for ${request3ds.toLocaleString("en-US")} (${pct(request3ds, rows)})`);
}

runMain(main, (e) => `backtest: ${e instanceof Error ? e.message : String(e)}`);
