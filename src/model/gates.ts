import { FEATURE_NAMES } from "../features";
import { sha256HexOfBytes } from "../utils/sha256";
import { ModelCardSchema, type ModelCard } from "./card";
import { FraudModel } from "./fraud-model";
import { margin } from "./trees";
import { MAX_ONNX_BYTES, MAX_SIDE_FILE_BYTES, VERSION_PATTERN, type ModelFiles } from "./registry/interface";

/** A gate a candidate model failed, and why. */
export interface GateProblem {
  gate: "size" | "version" | "card" | "features" | "checksum" | "onnx" | "reference";
  message: string;
}

export interface GateResult {
  problems: GateProblem[];
  /** Not refusals: where the candidate's offline metrics fall below the live model's (both shown). */
  warnings: string[];
  comparison: { metric: string; candidate: number; live: number }[];
  card?: ModelCard;
}

/** The test-set metrics compared with the live model's (true: higher is better); rates and counts are not quality. */
const QUALITY_METRICS: Record<string, boolean> = { roc_auc: true, pr_auc: true, recall_at_1pct_fpr: true, log_loss: false, brier: false };

/** How close the served model must come to the scores the training pipeline recorded for its reference rows. */
export const REFERENCE_TOLERANCE = 1e-5;
/** Fewer reference rows prove little (npm run train writes 200). */
export const MIN_REFERENCE_ROWS = 50;

/**
 * What a model must pass before it is published (docs/models.md): sizes within bounds; a card that parses and
 * names this version; exactly the features this build computes, in order; an ONNX file whose SHA-256 is the card's
 * and that ONNX Runtime Web loads here, in workerd, as it will be served (and whose trees the reasons can read);
 * its reference vectors reproduced within REFERENCE_TOLERANCE. Metrics below the live model's are warned about,
 * not refused: a challenger may be worse offline and better on live traffic, which is what shadowing finds out.
 */
export async function checkCandidate(version: string, files: ModelFiles, live: ModelCard | undefined): Promise<GateResult> {
  const result: GateResult = { problems: [], warnings: [], comparison: [] };
  const refuse = (gate: GateProblem["gate"], message: string) => {
    result.problems.push({ gate, message });
    return result;
  };
  if (!VERSION_PATTERN.test(version)) return refuse("version", "a version is 1–64 letters, digits and . + _ - (starting with a letter or digit)");
  if (files.onnx.byteLength === 0 || files.onnx.byteLength > MAX_ONNX_BYTES) return refuse("size", `the ONNX file is ${files.onnx.byteLength} bytes; it must be 1–${MAX_ONNX_BYTES}`);
  for (const [name, text] of [["card", files.card], ["reference", files.reference], ["report", files.report ?? ""]] as const) {
    if (text.length > MAX_SIDE_FILE_BYTES) return refuse("size", `the ${name} is over ${MAX_SIDE_FILE_BYTES} bytes`);
  }

  const parsed = ModelCardSchema.safeParse(safeJson(files.card));
  if (!parsed.success) return refuse("card", `the model card does not parse: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(card)"} ${i.message}`).join("; ")}`);
  const card = parsed.data;
  result.card = card;
  if (card.version !== version) return refuse("version", `the card says version ${card.version}, not ${version}`);
  if (card.thresholds.review > card.thresholds.decline) return refuse("card", `the card's review threshold ${card.thresholds.review} is above its decline threshold ${card.thresholds.decline}`);

  const names = card.features.map((f) => f.name);
  const at = names.findIndex((n, i) => n !== FEATURE_NAMES[i]);
  if (names.length !== FEATURE_NAMES.length || at >= 0) {
    const where = at >= 0 ? `column ${at} is ${names[at]}, this build computes ${FEATURE_NAMES[at] ?? "nothing there"}` : `it has ${names.length} columns, this build computes ${FEATURE_NAMES.length}`;
    return refuse("features", `the model's inputs are not this build's feature definition: ${where} (retrain with this build: npm run train)`);
  }
  if (card.input.shape[1] !== FEATURE_NAMES.length) return refuse("features", `the card's input shape is [null, ${card.input.shape[1]}], not [null, ${FEATURE_NAMES.length}]`);

  const digest = await sha256HexOfBytes(files.onnx);
  if (digest !== card.sha256) return refuse("checksum", `the ONNX file's SHA-256 is ${digest}, the card's ${card.sha256}: not the file the card describes`);

  let model: FraudModel;
  try {
    model = await FraudModel.load(files.onnx, card);
  } catch (e) {
    return refuse("onnx", `ONNX Runtime Web cannot serve it: ${firstLine(e)}`);
  }
  // ORT Web frees a session only when told: a gate run must not leave one in the isolate that serves scores.
  try {
    return await withModel(model, files, card, live, result, refuse);
  } finally {
    await model.release().catch(() => undefined);
  }
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

async function withModel(
  model: FraudModel,
  files: ModelFiles,
  card: ModelCard,
  live: ModelCard | undefined,
  result: GateResult,
  refuse: (gate: GateProblem["gate"], message: string) => GateResult,
): Promise<GateResult> {
  const reference = safeJson(files.reference) as { model?: { id?: string; version?: string }; rows?: { features?: number[]; score?: number }[] } | undefined;
  const rows = reference?.rows;
  if (!Array.isArray(rows) || rows.length < MIN_REFERENCE_ROWS) {
    return refuse("reference", `the reference vectors are missing or too few (${Array.isArray(rows) ? rows.length : 0}; at least ${MIN_REFERENCE_ROWS} rows of {features, score}, as npm run train writes)`);
  }
  if (reference?.model?.version !== card.version) return refuse("reference", `the reference vectors are model ${reference?.model?.version ?? "unnamed"}'s, not ${card.version}'s`);
  const width = FEATURE_NAMES.length;
  const input = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const f = rows[i]?.features;
    if (!Array.isArray(f) || f.length !== width || !f.every((x) => typeof x === "number") || typeof rows[i]?.score !== "number") {
      return refuse("reference", `reference row ${i} is not {features: [${width} numbers], score}`);
    }
    input.set(f, i * width);
  }
  let scores: Float32Array;
  try {
    scores = await model.score(input);
  } catch (e) {
    return refuse("onnx", `ONNX Runtime Web cannot score with it (input ${card.input.name}, output ${card.output.name}): ${firstLine(e)}`);
  }
  if (scores.length !== rows.length) return refuse("onnx", `it answered ${scores.length} scores for ${rows.length} rows`);
  let worst = 0;
  let worstRow = 0;
  for (let i = 0; i < rows.length; i++) {
    // A NaN score (or reference) must fail, not slip through: NaN compares false with everything.
    const d = Math.abs(scores[i]! - rows[i]!.score!);
    if (!(d <= REFERENCE_TOLERANCE) || !Number.isFinite(scores[i]!)) {
      [worst, worstRow] = [Number.isNaN(d) ? Infinity : d, i];
      break;
    }
    if (d > worst) [worst, worstRow] = [d, i];
  }
  // Rows on both sides of the thresholds, so agreement is shown where decisions are made, not only at easy scores.
  const high = rows.filter((r) => r.score! >= card.thresholds.decline).length;
  const low = rows.filter((r) => r.score! < card.thresholds.review).length;
  if (worst <= REFERENCE_TOLERANCE && (high === 0 || low === 0)) {
    return refuse("reference", `the reference rows must include scores at or above the decline threshold and below the review threshold (${high} and ${low} do)`);
  }
  if (!(worst <= REFERENCE_TOLERANCE)) {
    return refuse("reference", `served here, reference row ${worstRow} scores ${scores[worstRow]} where training recorded ${rows[worstRow]!.score} (off by ${worst.toExponential(2)}, more than ${REFERENCE_TOLERANCE})`);
  }

  const disagreement = await treesDisagree(model, input, rows.length, width);
  if (disagreement) return refuse("onnx", disagreement);

  if (live) {
    for (const [metric, higherIsBetter] of Object.entries(QUALITY_METRICS)) {
      const [candidate, liveValue] = [card.metrics[metric], live.metrics[metric]];
      if (candidate === undefined || liveValue === undefined) continue;
      result.comparison.push({ metric, candidate, live: liveValue });
      if (higherIsBetter ? candidate < liveValue : candidate > liveValue) result.warnings.push(`${metric}: ${candidate} is worse than the live model's ${liveValue}`);
    }
  }
  return result;
}

/**
 * The reasons explain a score from the trees read out of the ONNX bytes (src/model/trees.ts); those trees must be
 * the model ONNX Runtime runs. Compared on the reference rows and on probes of them with one column missing (NaN)
 * each — the missing-value branches reference rows rarely take — within REFERENCE_TOLERANCE. A graph whose output
 * is not what its trees compute (another output named in the card, attributes the reader does not know) fails.
 */
async function treesDisagree(model: FraudModel, reference: Float32Array, n: number, width: number): Promise<string | undefined> {
  const probes = new Float32Array(n * width);
  probes.set(reference);
  for (let i = 0; i < n; i++) probes[i * width + (i % width)] = Number.NaN;
  for (const [rows, what] of [[reference, "reference row"], [probes, "probe (reference row with one column missing)"]] as const) {
    let scores: Float32Array;
    try {
      scores = await model.score(rows);
    } catch (e) {
      return `ONNX Runtime Web cannot score a ${what}: ${firstLine(e)}`;
    }
    for (let i = 0; i < n; i++) {
      const fromTrees = 1 / (1 + Math.exp(-margin(model.trees, rows, i * width)));
      if (!(Math.abs(fromTrees - scores[i]!) <= REFERENCE_TOLERANCE)) {
        return `the trees the reasons read do not compute what ONNX Runtime does: ${what} ${i} scores ${scores[i]} in ORT, ${fromTrees} from the trees`;
      }
    }
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
