import { BehaviourReplay, FEATURE_COUNT } from "../../src/features";
import { toJsonLine } from "../data/format";
import { Progress } from "../data/progress";
import { TYPOLOGIES, generateStream, type StreamOptions } from "../data/stream";
import { HashingWriter } from "../data/write";

/**
 * The stream replayed into a feature matrix, in time order, through the shared feature definition
 * (src/features): exactly what serving computes for each transaction given the history before it.
 */
export interface Dataset {
  rows: number;
  features: number;
  /** Row-major rows × features; float32, as the model sees them. */
  X: Float32Array;
  y: Uint8Array;
  /** Event time (ms). */
  t: Float64Array;
  /** Index into TYPOLOGIES. */
  typology: Uint8Array;
  /** SHA-256 of the stream as JSON lines (the file `npm run generate` writes for the same seed and rows). */
  fingerprint: string;
}

export interface BuildOptions extends StreamOptions {
  /** Also write the stream as JSON lines here. */
  dataPath?: string | null;
  quiet?: boolean;
}

export async function buildDataset(opts: BuildOptions): Promise<Dataset> {
  const n = opts.rows;
  const X = new Float32Array(n * FEATURE_COUNT);
  const y = new Uint8Array(n);
  const t = new Float64Array(n);
  const typology = new Uint8Array(n);
  const replay = new BehaviourReplay();
  const writer = new HashingWriter(opts.dataPath ?? null);
  const progress = new Progress("replay", n, opts.quiet);
  let i = 0;
  for (const r of generateStream(opts)) {
    await writer.write(toJsonLine(r));
    replay.next({ tx: r.tx, edge: r.edge, t: r.t }, X, i * FEATURE_COUNT);
    // Its label comes back later (an early fraud warning, a chargeback): from then on it marks the card, device and customer.
    if (r.label_at !== undefined) replay.labelLater(r.tx, r.t, r.label_at);
    y[i] = r.label;
    t[i] = r.t;
    typology[i] = TYPOLOGIES.indexOf(r.typology);
    i++;
    progress.tick();
  }
  progress.finish();
  if (i !== n) throw new Error(`stream ended after ${i} of ${n} rows`);
  for (let k = 0; k < X.length; k++) {
    if (!Number.isFinite(X[k])) throw new Error(`feature ${k % FEATURE_COUNT} of row ${Math.floor(k / FEATURE_COUNT)} is ${X[k]}`);
  }
  return { rows: n, features: FEATURE_COUNT, X, y, t, typology, fingerprint: await writer.close() };
}
