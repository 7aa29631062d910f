import { z } from "@hono/zod-openapi";

/**
 * What comes back after a decision (docs/feedback.md): labels — was it fraud? — from the sources that learn it, and
 * the review queue's outcomes. Labels attach to the transaction record kept for each scored transaction
 * (src/store/transactions), which is also what proves a label's transaction is the caller's own.
 */
export const LABELS = ["fraud", "legitimate"] as const;
export type Label = (typeof LABELS)[number];

/**
 * Label sources, lowest authority first: a later label supersedes an earlier one only from a source at least as
 * authoritative (and, at equal authority, learnt later). A chargeback is the card network's verdict after the
 * issuer's investigation; an early fraud warning is the issuer's report before it; a refund the merchant files as
 * fraud and an analyst's review are the merchant's own judgement; a customer's report is a claim.
 */
export const LABEL_SOURCES = ["customer_report", "manual_review", "refund_as_fraud", "early_fraud_warning", "chargeback"] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];
export const authorityOf = (s: LabelSource): number => LABEL_SOURCES.indexOf(s) + 1;

/**
 * A fraud label from these sources confirms the fraud, and marks the transaction's card, device and customer in the
 * network's memory (src/features/fraud-marks.ts); a customer's report alone is a claim and does not.
 */
export const CONFIRMING_SOURCES = LABEL_SOURCES.filter((s) => s !== "customer_report");
export const MIN_CONFIRMING_RANK = Math.min(...CONFIRMING_SOURCES.map(authorityOf));
export const confirmsFraud = (l: Pick<StoredLabel, "label" | "source"> | undefined): boolean => l?.label === "fraud" && authorityOf(l.source) >= MIN_CONFIRMING_RANK;

/** How far back a label may say it was learnt, and how far ahead (clock skew). */
export const MAX_LABEL_AGE_MS = 2 * 365 * 24 * 3600_000;
export const MAX_LABEL_SKEW_MS = 5 * 60_000;
export const MAX_LABELS_PER_REQUEST = 1_000;

const txId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only")
  .openapi({ example: "txn_1042" });

export const FeedbackLabelSchema = z
  .object({
    transaction_id: txId,
    label: z.enum(LABELS),
    source: z.enum(LABEL_SOURCES).openapi({ description: "Who said so; decides precedence (docs/feedback.md#precedence)" }),
    reason_code: z
      .string()
      .regex(/^[A-Za-z0-9.]{1,8}$/, "the network's reason code, e.g. 10.4 (Visa) or 4837 (Mastercard)")
      .optional()
      .openapi({ description: "Chargebacks: the card network's reason code", example: "10.4" }),
    learnt_at: z.iso.datetime({ offset: true, error: "must be an RFC 3339 date-time" }).openapi({ description: "When the label was learnt (the dispute's date, the review's)", example: "2026-12-01T09:30:00Z" }),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.reason_code !== undefined && l.source !== "chargeback") ctx.addIssue({ code: "custom", path: ["reason_code"], message: "only chargebacks carry a network reason code" });
  })
  .openapi("FeedbackLabel");
export type FeedbackLabel = z.infer<typeof FeedbackLabelSchema>;

export const FeedbackRequestSchema = z
  .object({ labels: z.array(FeedbackLabelSchema).min(1).max(MAX_LABELS_PER_REQUEST) })
  .strict()
  .openapi("FeedbackRequest");

/** A transaction's label as kept. */
export const StoredLabelSchema = z.object({
  label: z.enum(LABELS),
  source: z.enum(LABEL_SOURCES),
  reason_code: z.string().optional(),
  learnt_at: z.string(),
  received_at: z.string(),
});
export type StoredLabel = z.infer<typeof StoredLabelSchema>;

export const LABEL_OUTCOMES = ["applied", "duplicate", "superseded"] as const;
export type LabelOutcome = (typeof LABEL_OUTCOMES)[number];

/** What the scorer keeps of a scored transaction, for its labels and the review queue (no card number, no key). */
export const TransactionRecordSchema = z
  .object({
    transaction_id: z.string(),
    merchant: z.string(),
    /** Event time (ms). */
    t: z.number(),
    score: z.number(),
    decision: z.enum(["approve", "review", "decline"]),
    decision_source: z.string().optional(),
    model: z.object({ version: z.string(), role: z.string().optional() }),
    /** Who sent it: a checkout page or the merchant's server. */
    source: z.enum(["publishable", "secret"]),
    amount: z.number().int(),
    currency: z.string(),
    entities: z.object({ card: z.string(), device: z.string().optional(), ip: z.string().optional(), customer: z.string().optional(), email_domain: z.string().optional() }),
    reasons: z.array(z.string()),
    /** The feature row the model scored (FEATURE_NAMES order), for retraining on labelled decisions. */
    features: z.array(z.number()).optional(),
    /** What the score had to do without: a row scored on neutral behaviour (`features`) is not trained on. */
    degraded: z.array(z.string()).optional(),
  })
  .openapi("TransactionRecord");
export type TransactionRecord = z.infer<typeof TransactionRecordSchema>;

export const REVIEW_OUTCOMES = ["fraud", "legitimate"] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** A resolved review: its outcome, by which key, when, and the analyst's note. */
export const StoredReviewSchema = z
  .object({ outcome: z.enum(REVIEW_OUTCOMES), by: z.string(), at: z.string(), note: z.string().optional() })
  .openapi("Review");
