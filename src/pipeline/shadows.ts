import type { ModelPool } from "../model/pool";
import type { Decision } from "../schemas/score";
import { decide } from "../scoring/decide";

/** What a shadow model said of one transaction: recorded (analytics, the observation log), never used. */
export interface ShadowScore {
  version: string;
  score: number;
  /** What it would have decided, at its own card's thresholds. */
  decision: Decision;
}

/**
 * The shadow stage, after the answer (`waitUntil`): each shadow version scores the rows the deciding models
 * scored — the same feature rows, so the comparison is of models, not of inputs — without reasons (nobody reads
 * them). A shadow this isolate does not hold yet is loaded here, off the checkout's path; one that cannot be
 * loaded, or fails, is left out of this run's records (logged), and the decision is untouched either way.
 * Returns per row its shadows' scores.
 */
export async function scoreShadows(versions: readonly string[], rows: Float32Array, width: number, pool: ModelPool): Promise<ShadowScore[][]> {
  const n = rows.length / width;
  const out: ShadowScore[][] = Array.from({ length: n }, () => []);
  if (n === 0) return out;
  for (const version of versions) {
    let model = pool.acquire(version);
    if (!model) {
      await pool.load(version).catch(() => undefined);
      model = pool.acquire(version);
    }
    if (!model) continue;
    try {
      const scores = await model.score(rows);
      for (let r = 0; r < n; r++) out[r]!.push({ version, score: scores[r]!, decision: decide(scores[r]!, model.card.thresholds).decision });
    } catch (e) {
      console.warn(`shadow ${version}: scoring failed`, e instanceof Error ? e.message : e);
    } finally {
      pool.unlease(model);
    }
  }
  return out;
}
