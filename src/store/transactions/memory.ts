import { confirmsFraud, type StoredLabel, type TransactionRecord } from "../../schemas/feedback";
import { MAX_OPEN_REVIEWS, type FraudMarkBook, type LabelResult, type LabelWrite, type StoredReview, type TransactionStore } from "./interface";
import { precedence } from "./precedence";
import { queueMember, storedLabel } from "./redis";

interface Kept {
  record: TransactionRecord;
  label?: StoredLabel;
  review?: StoredReview;
  open: boolean;
}

/** The records in this isolate (BACKENDS=memory): the same semantics as the Redis scripts, without the TTL. */
export class MemoryTransactionStore implements TransactionStore {
  readonly kind = "memory" as const;
  private readonly kept = new Map<string, Kept>();
  private readonly key = (merchant: string, id: string) => `${merchant}\u0000${id}`;

  /** `marks`: the feature store's network memory, which labels write to as the Redis mark script does. */
  constructor(private readonly marks?: FraudMarkBook, private readonly max = 200_000) {}

  async remember(merchant: string, records: TransactionRecord[]): Promise<void> {
    for (const record of records) {
      const k = this.key(merchant, record.transaction_id);
      const prior = this.kept.get(k);
      // As the Redis script: the first record stands, but the server's replaces a checkout page's.
      if (prior && !(prior.record.source === "publishable" && record.source === "secret")) continue;
      this.kept.delete(k);
      this.kept.set(k, { ...prior, record, open: prior ? prior.open : record.decision === "review" && !prior });
      if (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!);
    }
    const open = this.openOf(merchant);
    for (const v of open.slice(0, Math.max(0, open.length - MAX_OPEN_REVIEWS))) v.open = false;
  }

  /** The merchant's open reviews in queue order: time, then id (as the Redis members sort). */
  private openOf(merchant: string): Kept[] {
    return [...this.kept.entries()]
      .filter(([k, v]) => v.open && k.startsWith(`${merchant}\u0000`))
      .map(([, v]) => v)
      .sort((a, b) => (queueMember(a.record) < queueMember(b.record) ? -1 : 1));
  }

  async label(merchant: string, labels: LabelWrite[]): Promise<LabelResult[]> {
    return labels.map((l) => {
      const kept = this.kept.get(this.key(merchant, l.transaction_id));
      return kept ? this.apply(kept, l) : { kind: "unknown" };
    });
  }

  async get(merchant: string, transactionId: string) {
    const kept = this.kept.get(this.key(merchant, transactionId));
    return kept && { record: kept.record, ...(kept.label && { label: kept.label }), ...(kept.review && { review: kept.review }) };
  }

  async openReviews(merchant: string, opts: { after?: string; limit: number }) {
    const after = opts.after;
    const open = this.openOf(merchant).filter((v) => after === undefined || queueMember(v.record) > after);
    const items = open.slice(0, opts.limit).map((v) => v.record);
    const last = items.at(-1);
    return { items, ...(open.length > opts.limit && last && { next: queueMember(last) }) };
  }

  async resolveReview(merchant: string, transactionId: string, review: StoredReview, label: LabelWrite) {
    const kept = this.kept.get(this.key(merchant, transactionId));
    if (!kept) return { kind: "unknown" as const };
    // The marks follow the label that stands whatever the outcome, as the Redis mark script runs after every call.
    if (kept.review) {
      this.remark(kept);
      return { kind: "already" as const, review: kept.review, label: kept.label ? { kind: "duplicate" as const, current: kept.label } : { kind: "unknown" as const } };
    }
    if (!kept.open) {
      this.remark(kept);
      return { kind: "unknown" as const };
    }
    kept.open = false;
    kept.review = review;
    return { kind: "resolved" as const, review, label: this.apply(kept, label) };
  }

  private apply(kept: Kept, l: LabelWrite): LabelResult {
    const next = storedLabel(l);
    const outcome = precedence(kept.label, next);
    if (outcome === "applied") kept.label = next;
    this.remark(kept);
    return { kind: outcome, current: kept.label! };
  }

  /** As the mark script: the record's entities marked when its label confirms fraud and the server sent it, else unmarked. */
  private remark(kept: Kept): void {
    const { record } = kept;
    this.marks?.mark(record.entities, { t: Math.floor(record.t), merchant: record.merchant, id: record.transaction_id }, record.source === "secret" && confirmsFraud(kept.label));
  }
}
