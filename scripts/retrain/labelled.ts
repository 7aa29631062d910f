import { Redis } from "@upstash/redis";
import { FEATURE_COUNT } from "../../src/features";
import { DAY_MS } from "../../src/features/state";
import { StoredLabelSchema, TransactionRecordSchema, type StoredLabel, type TransactionRecord } from "../../src/schemas/feedback";

/**
 * The labelled decisions retraining learns from (docs/feedback.md#retraining): each kept transaction record with
 * its feature row and, if one came back, its label. Label delay: a chargeback arrives weeks after the payment,
 * so an unlabelled transaction is only taken as legitimate once it is older than the label horizon; younger
 * unlabelled ones are left out (they may still turn out to be fraud).
 */
export interface Kept {
  record: TransactionRecord;
  label?: StoredLabel;
}

export interface LabelledRow {
  t: number;
  features: Float32Array;
  y: 0 | 1;
  transaction_id: string;
}

export interface JoinReport {
  kept: number;
  labelledFraud: number;
  labelledLegitimate: number;
  /** Unlabelled, older than the horizon: taken as legitimate. */
  assumedLegitimate: number;
  /** Unlabelled, younger than the horizon: left out. */
  tooYoung: number;
  /** Records without a feature row (kept before rows were), of another feature definition, or scored on neutral behaviour. */
  unusable: number;
}

/**
 * `maturedOnly`: use only transactions older than the horizon (their label, or legitimate). Otherwise younger
 * labelled ones are used too — more data, but biased towards fraud: fraud labels come back early, legitimate
 * ones mostly never (the report says so).
 */
export function joinLabels(kept: Iterable<Kept>, opts: { now: number; horizonDays: number; maturedOnly?: boolean }): { rows: LabelledRow[]; report: JoinReport } {
  const report: JoinReport = { kept: 0, labelledFraud: 0, labelledLegitimate: 0, assumedLegitimate: 0, tooYoung: 0, unusable: 0 };
  const rows: LabelledRow[] = [];
  const horizon = opts.now - opts.horizonDays * DAY_MS;
  for (const { record, label } of kept) {
    report.kept++;
    if (!record.features || record.features.length !== FEATURE_COUNT || record.degraded?.includes("features")) {
      report.unusable++;
      continue;
    }
    let y: 0 | 1;
    if (opts.maturedOnly && record.t >= horizon) {
      report.tooYoung++;
      continue;
    }
    if (label) {
      y = label.label === "fraud" ? 1 : 0;
      if (y) report.labelledFraud++;
      else report.labelledLegitimate++;
    } else if (record.t < horizon) {
      y = 0;
      report.assumedLegitimate++;
    } else {
      report.tooYoung++;
      continue;
    }
    rows.push({ t: record.t, features: Float32Array.from(record.features), y, transaction_id: record.transaction_id });
  }
  rows.sort((a, b) => a.t - b.t);
  return { rows, report };
}

/** Every kept record (all merchants) from the scorer's Redis, a page of keys at a time. */
export async function* keptFromRedis(url: string, token: string): AsyncGenerator<Kept> {
  const redis = new Redis({ url, token, automaticDeserialization: false, enableTelemetry: false });
  let cursor = "0";
  do {
    const [next, keys] = (await redis.scan(cursor, { match: "txn:v1:*", count: 500 })) as [string, string[]];
    cursor = String(next);
    if (keys.length === 0) continue;
    const p = redis.pipeline();
    for (const k of keys) p.hmget(k, "record", "label");
    for (const [record, label] of (await p.exec()) as [string | null, string | null][]) {
      const parsed = record ? TransactionRecordSchema.safeParse(safeJson(record)) : undefined;
      if (!parsed?.success) continue;
      const l = label ? StoredLabelSchema.safeParse(safeJson(label)) : undefined;
      yield { record: parsed.data, ...(l?.success && { label: l.data }) };
    }
  } while (cursor !== "0");
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
