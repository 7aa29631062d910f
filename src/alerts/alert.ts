import { z } from "@hono/zod-openapi";
import { ScoreResultSchema, type Decision, type ScoreResult } from "../schemas/score";
import { sha256Hex } from "../utils/sha256";

/**
 * The record a high-risk decision sends to the alert topic. `alert_id` names the decision: a function of its
 * idempotency scope (merchant, key kind, transaction id or Idempotency-Key) and of the attempt that made it, so a
 * retried produce or a replay from the spill carries the same id — consumers deliver at-least-once and drop ids
 * they have seen — while two decisions on one transaction (the checkout page's and the server's, a retry scored
 * after a timed-out attempt was released) are two alerts with two ids.
 */
export const ALERT_SCHEMA_VERSION = 1;

export const AlertSchema = ScoreResultSchema.pick({ transaction_id: true, score: true, decision: true, risk_level: true, reasons: true, model: true })
  .extend({
    alert_id: z.string().regex(/^[0-9a-f]{32}$/),
    schema_version: z.literal(ALERT_SCHEMA_VERSION),
    merchant_id: z.string(),
    // Optional: alerts spilled before it existed still parse, and are replayed.
    source: z.enum(["publishable", "secret"]).optional().openapi({ description: "Who asked for the decision: the checkout page (publishable key) or the merchant's server (secret key)" }),
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

/** 128 bits of SHA-256 over the decision's idempotency scope, hex. */
export async function alertId(decision: string): Promise<string> {
  return (await sha256Hex(JSON.stringify(["alert", decision]))).slice(0, 32);
}

export interface AlertContext {
  /** The decision: its idempotency scope and its attempt (raise.ts), what makes its id. */
  decision: string;
  source?: "publishable" | "secret";
  merchantId: string;
  eventTime: number;
  colo: string | undefined;
  scoredAt: number;
}

export async function toAlert(result: ScoreResult, ctx: AlertContext): Promise<Alert> {
  return {
    alert_id: await alertId(ctx.decision),
    schema_version: ALERT_SCHEMA_VERSION,
    transaction_id: result.transaction_id,
    merchant_id: ctx.merchantId,
    ...(ctx.source && { source: ctx.source }),
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

/** One Kafka record as the sinks produce it: a key (the partition's), a JSON value, headers. */
export interface TopicRecord {
  key: string;
  /** JSON text. */
  value: string;
  headers: { key: string; value: string }[];
}

/** An alert's Kafka record: keyed by merchant (one merchant's alerts stay in order on one partition). */
export type AlertRecord = TopicRecord;

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
