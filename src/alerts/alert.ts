import { z } from "@hono/zod-openapi";
import { ScoreResultSchema, type Decision, type ScoreResult } from "../schemas/score";

/**
 * The record a high-risk decision sends to the alert topic. `alert_id` is a function of merchant and transaction
 * only, so a retried produce, a replay from the spill, or a re-score of the same transaction all carry the same
 * id: consumers deliver at-least-once and drop ids they have seen.
 */
export const ALERT_SCHEMA_VERSION = 1;

export const AlertSchema = ScoreResultSchema.pick({ transaction_id: true, score: true, decision: true, risk_level: true, reasons: true, model: true })
  .extend({
    alert_id: z.string().regex(/^[0-9a-f]{32}$/),
    schema_version: z.literal(ALERT_SCHEMA_VERSION),
    merchant_id: z.string(),
    /** When the edge scored it (ISO 8601). */
    scored_at: z.string(),
    /** The transaction's own time: `created_at` when the caller gave it, else when the edge received it. */
    event_time: z.string(),
    /** Cloudflare data centre that scored it (`request.cf.colo`); null outside Cloudflare. */
    colo: z.string().nullable(),
  })
  .openapi("FraudAlert");
export type Alert = z.infer<typeof AlertSchema>;

const DECISION_RANK: Record<Decision, number> = { approve: 0, review: 1, decline: 2 };

/** Whether a decision is at or above the alerting level (ALERT_MIN_DECISION). */
export function meetsAlertLevel(decision: Decision, minimum: Decision): boolean {
  return DECISION_RANK[decision] >= DECISION_RANK[minimum];
}

/** 128 bits of SHA-256 over the (merchant, transaction) pair, hex. JSON keeps the pair unambiguous. */
export async function alertId(merchantId: string, transactionId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify([merchantId, transactionId])));
  return [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface AlertContext {
  merchantId: string;
  eventTime: number;
  colo: string | undefined;
  scoredAt: number;
}

export async function toAlert(result: ScoreResult, ctx: AlertContext): Promise<Alert> {
  return {
    alert_id: await alertId(ctx.merchantId, result.transaction_id),
    schema_version: ALERT_SCHEMA_VERSION,
    transaction_id: result.transaction_id,
    merchant_id: ctx.merchantId,
    score: result.score,
    decision: result.decision,
    risk_level: result.risk_level,
    reasons: result.reasons,
    model: result.model,
    scored_at: new Date(ctx.scoredAt).toISOString(),
    event_time: new Date(ctx.eventTime).toISOString(),
    colo: ctx.colo ?? null,
  };
}

/** The Kafka record: keyed by merchant (one merchant's alerts stay in order on one partition). */
export interface AlertRecord {
  key: string;
  value: string;
  headers: { key: string; value: string }[];
}

export function toRecord(alert: Alert): AlertRecord {
  return {
    key: alert.merchant_id,
    value: JSON.stringify(alert),
    headers: [
      { key: "alert_id", value: alert.alert_id },
      { key: "schema_version", value: String(alert.schema_version) },
    ],
  };
}
