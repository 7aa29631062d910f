import type { Redis } from "@upstash/redis/cloudflare";
import { CONFIRMED_WINDOW_MS, MARKED_KINDS, MAX_MARKS, MAX_MARKS_PER_MERCHANT, encodeMark } from "../../features";
import { MIN_CONFIRMING_RANK, StoredLabelSchema, StoredReviewSchema, TransactionRecordSchema, authorityOf, type StoredLabel, type TransactionRecord } from "../../schemas/feedback";
import { fraudKey } from "../keys";
import { parsed } from "../parsed";
import type { ScriptCall } from "../interface";
import { upstashRedis, type UpstashConnection } from "../upstash";
import { MAX_OPEN_REVIEWS, MAX_OUTBOX, RECORD_TTL_S, type LabelResult, type LabelWrite, type StoredReview, type TransactionStore } from "./interface";
import { OUTBOX_KEYS, OUTBOX_STATS_KEY, openReviewsKey, recordKey } from "./layout";
import { LABEL_SCRIPT, MARK_SCRIPT, REMEMBER_SCRIPT, RESOLVE_SCRIPT } from "./scripts";

/** Records a call may name: a script's work (and its keys' locks) stays bounded; a larger request is split. */
const PER_CALL = 200;

const labelJson = (l: LabelWrite): string => JSON.stringify(storedLabel(l));
export const storedLabel = (l: LabelWrite): StoredLabel => ({
  label: l.label,
  source: l.source,
  ...(l.reason_code !== undefined && { reason_code: l.reason_code }),
  learnt_at: new Date(l.learnt_at).toISOString(),
  received_at: l.received_at,
});
/** A queue member: the event time zero-padded to 13 digits, then the id — ordered by time, then id, as text. */
export const queueMember = (r: Pick<TransactionRecord, "t" | "transaction_id">) => `${String(Math.max(0, Math.floor(r.t))).padStart(13, "0")}:${r.transaction_id}`;
const labelArgs = (l: LabelWrite) => [labelJson(l), String(authorityOf(l.source)), String(Date.parse(l.learnt_at)), l.label];

/**
 * The network-memory call for labelled records (scripts.ts MARK_SCRIPT): each record's card, device and customer
 * marked or unmarked by the label the record holds once the label call before it has run.
 */
export function markCall(merchant: string, records: readonly TransactionRecord[], now = Date.now()): ScriptCall {
  const keys: string[] = [];
  const perRecord: string[] = [];
  for (const r of records) {
    const marked = MARKED_KINDS.filter((k) => r.entities[k] !== undefined).map((k) => fraudKey(k, r.entities[k]!));
    keys.push(recordKey(merchant, r.transaction_id), ...marked);
    perRecord.push(String(marked.length), encodeMark({ merchant, id: r.transaction_id }), String(Math.floor(r.t)), r.source);
  }
  // A merchant's members start `["<merchant>",`: the script counts its marks by that prefix.
  const prefix = `${JSON.stringify([merchant]).slice(0, -1)},`;
  return {
    script: MARK_SCRIPT,
    keys,
    args: [String(MIN_CONFIRMING_RANK), String(CONFIRMED_WINDOW_MS), String(now - CONFIRMED_WINDOW_MS), String(MAX_MARKS_PER_MERCHANT), String(MAX_MARKS), prefix, ...perRecord],
  };
}

/** The records in Upstash Redis (layout.ts), each write one script (scripts.ts). */
export class RedisTransactionStore implements TransactionStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly rememberScript;

  /** Whether the decision log is on (a Kafka REST sink the scheduled Worker drains to): else nothing is filed in the outboxes. */
  private readonly outboxCap: number;

  constructor(opts: UpstashConnection & { timeoutMs: number; decisionLog: boolean }) {
    this.outboxCap = opts.decisionLog ? MAX_OUTBOX : 0;
    // Nobody waits on these at checkout: after the answer, or an operator's call. One retry (the writes are idempotent).
    this.redis = upstashRedis({ ...opts, retries: 1 });
    this.rememberScript = this.redis.createScript<number>(REMEMBER_SCRIPT);
  }

  async remember(merchant: string, records: TransactionRecord[]): Promise<void> {
    for (const c of this.rememberCalls(merchant, records)) await this.rememberScript.exec(c.keys, c.args);
  }

  rememberCalls(merchant: string, records: TransactionRecord[]): ScriptCall[] {
    const calls: ScriptCall[] = [];
    for (let i = 0; i < records.length; i += PER_CALL) {
      const part = records.slice(i, i + PER_CALL);
      calls.push({
        script: REMEMBER_SCRIPT,
        keys: [...part.map((r) => recordKey(merchant, r.transaction_id)), openReviewsKey(merchant), OUTBOX_KEYS.decisions, OUTBOX_STATS_KEY],
        args: [
          String(RECORD_TTL_S),
          String(MAX_OPEN_REVIEWS),
          String(this.outboxCap),
          ...part.flatMap((r) => [JSON.stringify(r), r.decision === "review" ? "1" : "0", queueMember(r), r.source]),
        ],
      });
    }
    return calls;
  }

  async label(merchant: string, labels: LabelWrite[]): Promise<LabelResult[]> {
    const out: LabelResult[] = [];
    for (let i = 0; i < labels.length; i += PER_CALL) {
      const part = labels.slice(i, i + PER_CALL);
      // The records first: the network-memory script must name their entities' keys (a script declares every key).
      const ids = part.map((l) => l.transaction_id);
      const records = await this.records(merchant, ids);
      const p = this.redis.pipeline();
      p.eval(LABEL_SCRIPT, [...ids.map((id) => recordKey(merchant, id)), OUTBOX_KEYS.labels, OUTBOX_STATS_KEY], [String(RECORD_TTL_S), String(this.outboxCap), ...part.flatMap(labelArgs)]);
      if (records.length > 0) pushCall(p, markCall(merchant, records));
      const [replies, stale] = (await p.exec()) as [[string, string | null][], number[]?];
      for (const [kind, current] of replies) out.push(kind === "unknown" ? { kind } : { kind: kind as "applied" | "duplicate" | "superseded", current: parsed(StoredLabelSchema, current)! });
      await this.remark(merchant, records, stale ?? []);
    }
    return out;
  }

  /**
   * Marks again the records the mark script found replaced since they were read (a checkout page's record the
   * server's replaced: its entities may differ), reading them afresh. Bounded: a record is replaced at most once.
   */
  private async remark(merchant: string, read: readonly TransactionRecord[], stale: readonly number[]): Promise<void> {
    let ids = stale.map((i) => read[i - 1]!.transaction_id);
    for (let attempt = 0; ids.length > 0 && attempt < 3; attempt++) {
      const records = await this.records(merchant, ids);
      if (records.length === 0) return;
      const c = markCall(merchant, records);
      const again = (await this.redis.eval(c.script, c.keys, c.args)) as number[];
      ids = again.map((i) => records[i - 1]!.transaction_id);
    }
    if (ids.length > 0) throw new Error(`network memory: ${ids.length} record(s) kept changing while being marked`);
  }

  /** The kept records of these transactions (those that have one). */
  private async records(merchant: string, ids: readonly string[]): Promise<TransactionRecord[]> {
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(recordKey(merchant, id), "record");
    const raw = (await p.exec()) as (string | null)[];
    const seen = new Set<string>();
    return raw.flatMap((r) => {
      const record = parsed<TransactionRecord>(TransactionRecordSchema, r);
      if (!record || seen.has(record.transaction_id)) return [];
      seen.add(record.transaction_id);
      return [record];
    });
  }

  async get(merchant: string, transactionId: string) {
    const [record, label, review] = (await this.redis.hmget(recordKey(merchant, transactionId), "record", "label", "review")) as unknown as [string | null, string | null, string | null];
    const kept = parsed<TransactionRecord>(TransactionRecordSchema, record);
    if (!kept) return undefined;
    const l = parsed(StoredLabelSchema, label);
    const r = parsed<StoredReview>(StoredReviewSchema, review);
    return { record: kept, ...(l && { label: l }), ...(r && { review: r }) };
  }

  async openReviews(merchant: string, opts: { after?: string; limit: number }) {
    // Members sort by (time, id) as text (the time zero-padded): a page starts strictly after the cursor, so ties
    // in time (a batch's items share one) are neither skipped nor repeated.
    const key = openReviewsKey(merchant);
    const members = (await this.redis.zrange(key, opts.after ? `(${opts.after}` : "-", "+", { byLex: true, offset: 0, count: opts.limit + 1 })) as unknown as string[];
    const page = members.slice(0, opts.limit);
    const items: TransactionRecord[] = [];
    if (page.length > 0) {
      const p = this.redis.pipeline();
      for (const m of page) p.hget(recordKey(merchant, m.slice(m.indexOf(":") + 1)), "record");
      const records = (await p.exec()) as (string | null)[];
      const gone: string[] = [];
      records.forEach((r, i) => {
        const rec = parsed<TransactionRecord>(TransactionRecordSchema, r);
        if (rec) items.push(rec);
        else gone.push(page[i]!);
      });
      // Entries whose record expired (180 days) leave the queue as they are met.
      if (gone.length > 0) await this.redis.zrem(key, ...(gone as [string, ...string[]]));
    }
    return { items, ...(members.length > opts.limit && { next: page.at(-1)! }) };
  }

  async resolveReview(merchant: string, transactionId: string, review: StoredReview, label: LabelWrite) {
    const records = await this.records(merchant, [transactionId]);
    const p = this.redis.pipeline();
    p.eval(RESOLVE_SCRIPT, [recordKey(merchant, transactionId), openReviewsKey(merchant), OUTBOX_KEYS.labels, OUTBOX_STATS_KEY], [JSON.stringify(review), ...labelArgs(label), String(this.outboxCap)]);
    if (records.length > 0) pushCall(p, markCall(merchant, records));
    const [reply, stale] = (await p.exec()) as [(string | null)[], number[]?];
    await this.remark(merchant, records, stale ?? []);
    if (reply[0] === "unknown") return { kind: "unknown" as const };
    if (reply[0] === "already") {
      const current = parsed(StoredLabelSchema, reply[2]);
      return { kind: "already" as const, review: JSON.parse(reply[1]!) as StoredReview, label: current ? { kind: "duplicate" as const, current } : { kind: "unknown" as const } };
    }
    return { kind: "resolved" as const, review, label: { kind: reply[2] as "applied" | "duplicate" | "superseded", current: parsed(StoredLabelSchema, reply[3])! } };
  }
}

const pushCall = (p: ReturnType<Redis["pipeline"]>, c: ScriptCall) => p.eval(c.script, c.keys, c.args);
