import type { Redis } from "@upstash/redis/cloudflare";
import { SinkError, type AlertSink, type TopicRecord } from "../alerts/sink/interface";
import { StoredLabelSchema, TransactionRecordSchema } from "../schemas/feedback";
import { OUTBOX_KEYS, OUTBOX_STATS_KEY } from "../store/transactions/layout";
import { OUTBOX_ACK_SCRIPT } from "../store/transactions/scripts";

/**
 * The decision log and the labels on Kafka (docs/feedback.md#the-decision-log), at least once and never lost. The
 * transaction record the scorer writes after each answer (one script, src/store/transactions) also files its key in
 * an outbox, and an applied label files it in another — in the same script, so there is no extra request on the
 * score's path and nothing to lose between the write and the log. The scheduled Worker drains the outboxes in
 * batches: reads the oldest entries, produces them (one Kafka request per batch), and only then removes them — an
 * entry written again meanwhile (a later label) stays for the next run. A run that dies mid-way sends its batch
 * again next time: consumers deduplicate on the `transaction_id` header (labels: and `learnt_at`).
 *
 * Records carry no card number, key or secret: entities are fingerprints and ids (TransactionRecordSchema).
 */
export type OutboxTopic = keyof typeof OUTBOX_KEYS;

export interface DrainReport {
  produced: number;
  /** Entries whose record had expired or did not parse: removed, not produced. */
  skipped: number;
  remaining: number;
  /** Dropped by the outbox cap since the outbox began (Kafka down long at a high rate). */
  dropped: number;
  error?: string;
}

export const DRAIN_BATCH = 500;

export async function drainOutbox(redis: Redis, topic: OutboxTopic, sink: AlertSink, opts: { budgetMs: number; batch?: number; maxBatches?: number }): Promise<DrainReport> {
  const key = OUTBOX_KEYS[topic];
  const batch = opts.batch ?? DRAIN_BATCH;
  const deadline = Date.now() + opts.budgetMs;
  const report: DrainReport = { produced: 0, skipped: 0, remaining: 0, dropped: 0 };
  // One drain per outbox at a time: two overlapping runs would both send the oldest entries.
  const lease = `${key}:lease`;
  const token = crypto.randomUUID();
  if ((await redis.set(lease, token, { nx: true, px: opts.budgetMs + 10_000 })) === null) {
    report.error = "another drain of this outbox is running";
    return { ...report, ...(await sizes(redis, key, topic)) };
  }
  try {
    await drainBatches(redis, topic, key, sink, batch, deadline, opts.maxBatches ?? 20, report);
  } finally {
    await redis.eval(RELEASE_LEASE, [lease], [token]).catch(() => undefined);
  }
  return { ...report, ...(await sizes(redis, key, topic)) };
}

const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

async function sizes(redis: Redis, key: string, topic: OutboxTopic): Promise<{ remaining: number; dropped: number }> {
  const [remaining, dropped] = await Promise.all([redis.zcard(key), redis.hget(OUTBOX_STATS_KEY, `${topic}_dropped`)]);
  return { remaining: Number(remaining), dropped: Number(dropped ?? 0) };
}

async function drainBatches(redis: Redis, topic: OutboxTopic, key: string, sink: AlertSink, batch: number, deadline: number, maxBatches: number, report: DrainReport): Promise<void> {
  for (let b = 0; b < maxBatches && Date.now() < deadline; b++) {
    const raw = (await redis.zrange(key, 0, batch - 1, { withScores: true })) as unknown as string[];
    if (raw.length === 0) break;
    const entries: { member: string; score: string }[] = [];
    for (let i = 0; i < raw.length; i += 2) entries.push({ member: raw[i]!, score: raw[i + 1]! });
    const p = redis.pipeline();
    for (const e of entries) p.hmget(e.member, "record", "label");
    const kept = (await p.exec()) as [string | null, string | null][];
    const records: TopicRecord[] = [];
    kept.forEach(([record, label]) => {
      const r = topicRecord(topic, record, label);
      if (r) records.push(r);
      else report.skipped++;
    });
    try {
      await sink.produceRecords(records, AbortSignal.timeout(Math.max(1_000, deadline - Date.now())));
    } catch (e) {
      report.error = e instanceof SinkError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      break;
    }
    report.produced += records.length;
    await redis.eval(OUTBOX_ACK_SCRIPT, [key], entries.flatMap((e) => [e.member, e.score]));
    if (entries.length < batch) break;
  }
}

/** A decision: the record as kept. A label: the transaction it is about and the label that stands. */
function topicRecord(topic: OutboxTopic, rawRecord: string | null, rawLabel: string | null): TopicRecord | undefined {
  const record = rawRecord ? TransactionRecordSchema.safeParse(safeJson(rawRecord)) : undefined;
  if (!record?.success) return undefined;
  const r = record.data;
  const headers = [
    { key: "transaction_id", value: r.transaction_id },
    { key: "schema_version", value: "1" },
  ];
  if (topic === "decisions") return { key: r.merchant, value: JSON.stringify({ type: "decision", schema_version: 1, ...r }), headers };
  const label = rawLabel ? StoredLabelSchema.safeParse(safeJson(rawLabel)) : undefined;
  if (!label?.success) return undefined;
  return {
    key: r.merchant,
    value: JSON.stringify({ type: "label", schema_version: 1, transaction_id: r.transaction_id, merchant: r.merchant, t: r.t, ...label.data }),
    headers,
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
