import type { FraudMark } from "../../features";
import type { ScriptCall } from "../interface";
import type { FeedbackLabel, LabelOutcome, ReviewOutcome, StoredLabel, TransactionRecord } from "../../schemas/feedback";

/**
 * What is kept of each scored transaction, per merchant (docs/feedback.md): its record (decision, score, model,
 * entities — never a card number or key), its label, and — when it was sent to review — its place in the
 * merchant's review queue. A label can only land on a record under the caller's own merchant: another merchant's
 * transaction is as absent as one never scored.
 *
 * Implementations side by side: redis.ts (one Lua script per write, layout.ts), memory.ts (this isolate,
 * BACKENDS=memory), not-configured.ts (no store: records are not kept, the feedback routes answer 503).
 */
export interface TransactionStore {
  readonly kind: "redis" | "memory" | "not_configured";
  /** Keeps the records (the first of a transaction stands: scripts.ts); those decided `review` join the open queue. */
  remember(merchant: string, records: TransactionRecord[]): Promise<void>;
  /**
   * The same writes as script calls for the feature store to send with its stored answers (one request after the
   * answer): only a Redis store over the same Redis has them; undefined means call `remember`.
   */
  rememberCalls?(merchant: string, records: TransactionRecord[]): ScriptCall[];
  /** Applies labels by precedence (interface's `applyLabel`); per label its outcome, or `unknown` without a record. */
  label(merchant: string, labels: LabelWrite[]): Promise<LabelResult[]>;
  /** A transaction's record and label, if kept. */
  get(merchant: string, transactionId: string): Promise<{ record: TransactionRecord; label?: StoredLabel; review?: StoredReview } | undefined>;
  /** The open review queue, oldest first, a page at a time (`after`: the last `t:id` of the previous page). */
  openReviews(merchant: string, opts: { after?: string; limit: number }): Promise<{ items: TransactionRecord[]; next?: string }>;
  /** Closes a review with an outcome (and labels it `manual_review`); `unknown` when not in the queue, nor closed. */
  resolveReview(merchant: string, transactionId: string, review: StoredReview, label: LabelWrite): Promise<{ kind: "resolved" | "already"; review: StoredReview; label: LabelResult } | { kind: "unknown" }>;
}

/** Where the memory store's labels mark the network's memory of confirmed fraud (the memory feature store). */
export interface FraudMarkBook {
  mark(entities: TransactionRecord["entities"], mark: FraudMark, confirmed: boolean): void;
}

export interface StoredReview {
  outcome: ReviewOutcome;
  by: string;
  at: string;
  note?: string;
}

/** A label as written: the request's, with when it arrived. */
export type LabelWrite = FeedbackLabel & { received_at: string };

export type LabelResult = { kind: "unknown" } | { kind: LabelOutcome; current: StoredLabel };

/** How long a record (and its label) is kept after the transaction: chargebacks arrive up to 120 days later. */
export const RECORD_TTL_S = 180 * 24 * 3600;
/** Open reviews kept per merchant; past it the oldest drop out of the queue (their records stay). */
export const MAX_OPEN_REVIEWS = 100_000;
/**
 * Entries an outbox holds at most (decisions, labels): ~60 bytes each. Past it — Kafka down for a long time at a
 * high rate — the oldest are dropped and counted (outbox:v1:stats, the drain's report), their records still kept.
 */
export const MAX_OUTBOX = 2_000_000;
