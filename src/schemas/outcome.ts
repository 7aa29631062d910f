import type { Degradation, ScoreResult } from "./score";

/**
 * What the decision pipeline (src/pipeline) answers for each item it was given, in order, and for the run. Plain
 * types shared by the pipeline that produces them and the domain code that acts on them after the answer
 * (alerts, analytics), so neither has to import the other.
 */
export type ItemOutcome =
  /** `features`: the row the model scored, for what runs after the response (analytics). */
  | { kind: "scored"; result: ScoreResult; features: Float32Array }
  /** The stored answer of an earlier request with the same idempotency key. */
  | { kind: "replay"; result: ScoreResult }
  /** An earlier request with the same idempotency key is still being answered. */
  | { kind: "in_progress"; transactionId: string }
  /** The idempotency key's first request was a different one (another body, or for a page, another shopper). */
  | { kind: "conflict"; transactionId: string };

export interface ScoreRun {
  outcomes: ItemOutcome[];
  /** What the whole run had to do without; every scored result carries the same list. */
  degraded: Degradation[];
  modelMs: number;
  /** The model that decided (also named in each result). */
  model: { id: string; version: string };
}
