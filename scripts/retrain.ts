/**
 * `npm run retrain` — a candidate model from labelled decisions (docs/feedback.md#retraining):
 *
 *   1. the scorer's kept transactions (Redis, as `npm run dev` runs it; or `--file kept.jsonl`, one
 *      {"record", "label"?} per line — what `--export` writes), joined with their labels: label delay handled by a
 *      horizon (`--horizon-days 60`): unlabelled transactions younger than it are left out, older ones count as
 *      legitimate;
 *   2. merged in time order after the generated stream (`--base-rows`, `--seed`: the pipeline's own data), so
 *      the newest rows — the labelled decisions — fall in the out-of-time holdout;
 *   3. trained by the same pipeline as `npm run train` (features, split, trees, thresholds, ONNX, parity, card);
 *   4. the live model (`--live <dir>`, default the bundled models/) scored on the same holdout, and the gate
 *      (scripts/retrain/compare.ts) applied; the comparison is written into the candidate's report;
 *   5. with `--publish`, a candidate that passed is published to the registry and routed (`--route shadow`, or
 *      `challenger:10` for 10 %).
 *
 *   npm run retrain -- [--out retrain-out] [--base-rows 200000] [--trees N] [--publish [--route shadow]]
 *   npm run retrain -- --export kept.jsonl        just write the kept records and labels
 *   options: --file kept.jsonl, --horizon-days 60, --seed 42, --live models, --json
 *
 * Exit code 0 when the gate passed, 3 when it did not (a scheduled run fails visibly), 1 on an error.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FEATURE_COUNT } from "../src/features";
import { ModelCardSchema } from "../src/model/card";
import { isMain, runMain } from "./cli";
import { jsonLines } from "./json-lines";
import { LOCAL_DEFAULTS } from "./local/stack";
import { modelsCommand } from "./models";
import { comparisonReport, gate } from "./retrain/compare";
import { joinLabels, keptFromRedis, type Kept, type LabelledRow } from "./retrain/labelled";
import { buildDataset, type Dataset } from "./train/dataset";
import { evaluate } from "./train/evaluate";
import { MODEL_ID } from "./train/model-card";
import { scoreWithOrt } from "./train/parity";
import { DEFAULT_PIPELINE, runPipeline } from "./train/pipeline";
import { timeSplit, type Split } from "./train/split";
import { DEFAULT_DAYS } from "./data/stream";
import { DAY_MS } from "../src/features/state";

export class RetrainError extends Error {}

export interface RetrainOutcome {
  passed: boolean;
  version: string;
  out: string;
  comparison: string;
  published?: string;
}

export async function retrain(argv: string[], env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.log): Promise<RetrainOutcome | { exported: number }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      file: { type: "string" },
      export: { type: "string" },
      out: { type: "string", default: "retrain-out" },
      "base-rows": { type: "string", default: "200000" },
      seed: { type: "string", default: String(DEFAULT_PIPELINE.seed) },
      trees: { type: "string" },
      "horizon-days": { type: "string", default: "120" },
      "matured-only": { type: "boolean", default: false },
      live: { type: "string", default: "models" },
      publish: { type: "boolean", default: false },
      route: { type: "string", default: "shadow" },
      quiet: { type: "boolean", default: false },
    },
  });
  const source = values.file ? jsonLines<Kept>(values.file, (m) => new RetrainError(m)) : keptFromRedis(env.UPSTASH_REDIS_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.redisRestPort}`, env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_DEFAULTS.redisToken);

  if (values.export) {
    const out = createWriteStream(values.export);
    let n = 0;
    for await (const k of source) {
      out.write(`${JSON.stringify(k)}\n`);
      n++;
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    log(`exported ${n} kept transactions to ${values.export}`);
    return { exported: n };
  }

  const kept: Kept[] = [];
  try {
    for await (const k of source) kept.push(k);
  } catch (e) {
    throw new RetrainError(`cannot read the kept transactions (${e instanceof Error ? e.message : String(e)}): is the local stack running (npm run dev), or pass --file`);
  }
  const { rows, report: joined } = joinLabels(kept, { now: Date.now(), horizonDays: Number(values["horizon-days"]), maturedOnly: values["matured-only"] });
  log(`labelled decisions: ${Object.entries(joined).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (rows.length === 0) throw new RetrainError("no labelled decisions to learn from: score traffic and send its labels (POST /v1/feedback) first");

  // The generated stream ends the day before the oldest labelled decision, so the two never interleave: the
  // stream is split in time order as `npm run train` splits it, and the decisions apart from it, also in time
  // order — each contributes to training, validation and the out-of-time holdout.
  const start = rows[0]!.t - (DEFAULT_DAYS + 1) * DAY_MS;
  const base = await buildDataset({ seed: Number(values.seed), rows: Number(values["base-rows"]), start, quiet: values.quiet });
  const { ds, labelled } = merged(base, rows);
  const split = splitBoth(ds, base.rows, Number(values.seed));
  const command = `npm run retrain -- ${argv.join(" ")}`.trim();
  const result = await runPipeline(
    { ...DEFAULT_PIPELINE, seed: Number(values.seed), rows: ds.rows, gbdt: { ...DEFAULT_PIPELINE.gbdt, ...(values.trees && { maxTrees: Number(values.trees) }) }, command, quiet: values.quiet, log: values.quiet ? () => {} : log },
    ds,
    split,
  );

  const liveFile = (ext: string) => join(values.live, `${MODEL_ID}.${ext}`);
  if (!existsSync(liveFile("onnx"))) throw new RetrainError(`no live model at ${liveFile("onnx")} (--live <dir>)`);
  const liveCard = ModelCardSchema.parse(JSON.parse(readFileSync(liveFile("card.json"), "utf8")));
  const test = result.split.test;
  const liveScores = await scoreWithOrt(readFileSync(liveFile("onnx")), ds.X, FEATURE_COUNT, test);
  const yTest = Uint8Array.from(test, (r) => ds.y[r]!);
  const typTest = Uint8Array.from(test, (r) => ds.typology[r]!);
  const live = evaluate(liveScores, yTest, typTest, liveCard.thresholds);
  // The gate reads the labelled decisions' own holdout when it holds enough fraud to mean something; else the
  // whole holdout (stream and decisions). Both are in the report.
  const fb = [...test.keys()].filter((k) => labelled[test[k]!] === 1);
  const fbFraud = fb.filter((k) => yTest[k] === 1).length;
  const pick = (xs: ArrayLike<number>) => Float64Array.from(fb, (k) => xs[k]!);
  const candidateScores = await scoreWithOrt(result.onnx, ds.X, FEATURE_COUNT, test);
  const feedbackOnly =
    fbFraud >= MIN_FEEDBACK_FRAUD && fb.length - fbFraud >= MIN_FEEDBACK_FRAUD
      ? { candidate: evaluate(pick(candidateScores), pick(yTest), pick(typTest), result.card.thresholds), live: evaluate(pick(liveScores), pick(yTest), pick(typTest), liveCard.thresholds) }
      : undefined;
  const verdict = feedbackOnly ? gate(feedbackOnly.candidate, feedbackOnly.live) : gate(result.test, live);
  const comparison = comparisonReport({
    command,
    candidate: result.test,
    live,
    liveVersion: liveCard.version,
    candidateVersion: result.card.version,
    holdoutRows: test.length,
    feedbackRowsInHoldout: [...test].filter((r) => labelled[r] === 1).length,
    gate: verdict,
    gatedOn: feedbackOnly ? `the labelled decisions of the holdout (${fb.length} rows, ${fbFraud} fraud)` : `the whole holdout (the labelled decisions hold ${fbFraud} fraud, fewer than ${MIN_FEEDBACK_FRAUD})`,
    ...(feedbackOnly && { feedbackOnly }),
    join: { ...joined },
    biased: !values["matured-only"] && joined.labelledFraud + joined.labelledLegitimate > 0,
  });

  mkdirSync(values.out, { recursive: true });
  const file = (ext: string) => join(values.out, `${MODEL_ID}.${ext}`);
  writeFileSync(file("onnx"), result.onnx);
  writeFileSync(file("card.json"), `${JSON.stringify(result.card, null, 2)}\n`);
  writeFileSync(file("reference.json"), `${JSON.stringify(result.reference)}\n`);
  writeFileSync(file("report.md"), `${comparison}\n${result.report}`);
  writeFileSync(join(values.out, "comparison.md"), comparison);
  log(comparison);
  log(`wrote the candidate ${result.card.version} to ${values.out}/`);

  const outcome: RetrainOutcome = { passed: verdict.passed, version: result.card.version, out: values.out, comparison };
  if (values.publish && verdict.passed) {
    log(await modelsCommand(["publish", values.out], env));
    const [how, share] = values.route.split(":");
    const routed = how === "challenger" ? await modelsCommand(["challenger", result.card.version, "--share", `${share ?? "10"}%`], env) : await modelsCommand(["shadow", result.card.version], env);
    log(routed);
    outcome.published = result.card.version;
  }
  return outcome;
}

/** The gate reads the labelled decisions alone when their holdout has at least this many fraud (and legitimate) rows. */
const MIN_FEEDBACK_FRAUD = 20;

/** The stream (rows [0, baseRows)) split as training splits it; the decisions after it, 70 / 15 / 15 in time order, weight 1. */
function splitBoth(ds: Dataset, baseRows: number, seed: number): Split {
  const baseOnly: Dataset = { ...ds, rows: baseRows };
  const s = timeSplit(baseOnly, { warmupDays: DEFAULT_PIPELINE.warmupDays, trainShare: 0.7, validationShare: 0.15, negativeRate: DEFAULT_PIPELINE.negativeRate, seed });
  const n = ds.rows - baseRows;
  const trainEnd = baseRows + Math.floor(n * 0.7);
  const validEnd = trainEnd + Math.floor(n * 0.15);
  const range = (from: number, to: number) => Int32Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
  const cat = (a: Int32Array, b: Int32Array) => Int32Array.from([...a, ...b]);
  return {
    trainPeriod: cat(s.trainPeriod, range(baseRows, trainEnd)),
    train: cat(s.train, range(baseRows, trainEnd)),
    trainWeights: Float64Array.from([...s.trainWeights, ...new Array<number>(trainEnd - baseRows).fill(1)]),
    validation: cat(s.validation, range(trainEnd, validEnd)),
    test: cat(s.test, range(validEnd, ds.rows)),
    warmupRows: s.warmupRows,
  };
}

/** The generated stream and the labelled decisions, merged in time order (both are sorted). */
function merged(base: Dataset, rows: readonly LabelledRow[]): { ds: Dataset; labelled: Uint8Array } {
  const n = base.rows + rows.length;
  const X = new Float32Array(n * FEATURE_COUNT);
  const y = new Uint8Array(n);
  const t = new Float64Array(n);
  const typology = new Uint8Array(n);
  const labelled = new Uint8Array(n);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const fromBase = b >= rows.length || (a < base.rows && base.t[a]! <= rows[b]!.t);
    if (fromBase) {
      X.set(base.X.subarray(a * FEATURE_COUNT, (a + 1) * FEATURE_COUNT), i * FEATURE_COUNT);
      y[i] = base.y[a]!;
      t[i] = base.t[a]!;
      typology[i] = base.typology[a]!;
      a++;
    } else {
      const r = rows[b]!;
      X.set(r.features, i * FEATURE_COUNT);
      y[i] = r.y;
      t[i] = r.t;
      // A labelled decision's mechanism is unknown: counted in every metric, in no typology's.
      typology[i] = 0;
      labelled[i] = 1;
      b++;
    }
  }
  return { ds: { rows: n, features: FEATURE_COUNT, X, y, t, typology, fingerprint: `${base.fingerprint}+${rows.length}-labelled` }, labelled };
}

if (isMain(import.meta.url)) {
  runMain(
    async () => {
      const out = await retrain(process.argv.slice(2));
      if ("passed" in out && !out.passed) process.exitCode = 3;
    },
    (e) => (e instanceof RetrainError ? e.message : e),
  );
}
