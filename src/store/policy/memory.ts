import { MAX_IP_RANGES, MAX_LIST_ENTRIES, MAX_RULES, type AuditRecord, type ListEntry, type ListKind, type Rule, type Thresholds } from "../../schemas/policy";
import { MAX_AUDIT_RECORDS, type AuditDraft, type PolicyQuery, type PolicyReply, type PolicySettings, type PolicyStore, type PutOutcome, type RulePutOutcome } from "./interface";

interface Book {
  entries: Map<string, ListEntry>;
  ranges: Set<string>;
  ids: Map<string, string>;
  rules: Map<string, Rule>;
  version: number;
  thresholds?: Thresholds;
  audit: AuditRecord[];
}

/**
 * Every merchant's policy in this isolate's memory: what MemoryPolicyStore changes and the memory feature store's
 * round trip reads (`lookup`), as the Redis keys are for the Redis implementations. Same semantics as the scripts.
 */
export class MemoryPolicyBook {
  private readonly books = new Map<string, Book>();

  book(merchant: string): Book {
    let b = this.books.get(merchant);
    if (!b) this.books.set(merchant, (b = { entries: new Map(), ranges: new Set(), ids: new Map(), rules: new Map(), version: 0, audit: [] }));
    return b;
  }

  lookup(q: PolicyQuery): PolicyReply {
    const b = this.books.get(q.merchant);
    const version = b?.version ?? 0;
    const hits: Record<string, string> = {};
    for (const fields of q.fieldsPerItem) {
      for (const f of fields) {
        const e = b?.entries.get(f);
        if (e) hits[f] = JSON.stringify(e);
      }
    }
    if (version === q.knownVersion) return { version, hits };
    const ranges = b
      ? [...b.ranges].map((f) => {
          const { note: _note, ...slim } = b.entries.get(f)!;
          return JSON.stringify(slim);
        })
      : [];
    const rules = b ? [...b.rules.values()].map((r) => JSON.stringify(r)) : [];
    return { version, hits, doc: { ranges, rules, thresholds: b?.thresholds ? JSON.stringify(b.thresholds) : null } };
  }
}

const field = (e: Pick<ListEntry, "kind" | "value">) => `${e.kind}:${e.value}`;

export class MemoryPolicyStore implements PolicyStore {
  readonly kind = "memory" as const;

  constructor(private readonly books: MemoryPolicyBook) {}

  async putEntry(merchant: string, entry: ListEntry, isRange: boolean, audit: AuditDraft, now = Date.now()): Promise<PutOutcome> {
    const b = this.books.book(merchant);
    const f = field(entry);
    // As the Redis script: expired entries go first, so they do not count against the limits.
    for (const [id, ff] of b.ids) {
      const e = b.entries.get(ff);
      if (e?.expires_at !== undefined && Date.parse(e.expires_at) <= now) {
        b.entries.delete(ff);
        b.ranges.delete(ff);
        b.ids.delete(id);
      }
    }
    const prev = b.ids.get(entry.id);
    if (prev !== undefined && prev !== f) return { kind: "collision" };
    const old = b.entries.get(f);
    if (!old && b.entries.size >= MAX_LIST_ENTRIES) return { kind: "full", what: "entries", limit: MAX_LIST_ENTRIES };
    if (!old && isRange && b.ranges.size >= MAX_IP_RANGES) return { kind: "full", what: "ranges", limit: MAX_IP_RANGES };
    b.entries.set(f, entry);
    if (isRange) b.ranges.add(f);
    b.ids.set(entry.id, f);
    this.record(b, audit, old);
    return { kind: "stored", version: b.version, ...(old && { replaced: old }) };
  }

  async deleteEntry(merchant: string, id: string, audit: AuditDraft): Promise<{ version: number; removed?: ListEntry }> {
    const b = this.books.book(merchant);
    const f = b.ids.get(id);
    if (f === undefined) return { version: b.version };
    const old = b.entries.get(f);
    b.entries.delete(f);
    b.ranges.delete(f);
    b.ids.delete(id);
    this.record(b, audit, old);
    return { version: b.version, ...(old && { removed: old }) };
  }

  async getEntry(merchant: string, id: string): Promise<ListEntry | undefined> {
    const b = this.books.book(merchant);
    const f = b.ids.get(id);
    return f === undefined ? undefined : b.entries.get(f);
  }

  async listEntries(merchant: string, opts: { kind?: ListKind; cursor: string; limit: number }): Promise<{ entries: ListEntry[]; cursor: string }> {
    // The cursor is an offset into insertion order, "0" when the listing is done (as HSCAN's).
    const all = [...this.books.book(merchant).entries.values()].filter((e) => !opts.kind || e.kind === opts.kind);
    const from = Number(opts.cursor) || 0;
    const page = all.slice(from, from + opts.limit);
    return { entries: page, cursor: from + opts.limit >= all.length ? "0" : String(from + opts.limit) };
  }

  async settings(merchant: string): Promise<PolicySettings> {
    const b = this.books.book(merchant);
    return { version: b.version, ...(b.thresholds && { thresholds: b.thresholds }), entries: b.entries.size, ranges: b.ranges.size };
  }

  async putThresholds(merchant: string, thresholds: Thresholds | null, audit: AuditDraft): Promise<{ version: number }> {
    const b = this.books.book(merchant);
    const old = b.thresholds;
    if (thresholds) b.thresholds = thresholds;
    else delete b.thresholds;
    this.record(b, audit, old);
    return { version: b.version };
  }

  async putRule(merchant: string, rule: Rule, create: boolean, audit: AuditDraft): Promise<RulePutOutcome> {
    const b = this.books.book(merchant);
    const old = b.rules.get(rule.id);
    if (create && b.rules.size >= MAX_RULES) return { kind: "full", limit: MAX_RULES };
    if (!create && !old) return { kind: "missing" };
    b.rules.set(rule.id, rule);
    this.record(b, audit, old);
    return { kind: "stored", version: b.version, ...(old && { replaced: old }) };
  }

  async deleteRule(merchant: string, id: string, audit: AuditDraft): Promise<{ version: number; removed?: Rule }> {
    const b = this.books.book(merchant);
    const old = b.rules.get(id);
    if (!old) return { version: b.version };
    b.rules.delete(id);
    this.record(b, audit, old);
    return { version: b.version, removed: old };
  }

  async rules(merchant: string): Promise<Rule[]> {
    return [...this.books.book(merchant).rules.values()];
  }

  async audit(merchant: string, limit: number): Promise<AuditRecord[]> {
    return this.books.book(merchant).audit.slice(0, limit);
  }

  private record(b: Book, draft: AuditDraft, before: unknown): void {
    b.version++;
    b.audit.unshift({ version: b.version, ...(before !== undefined && { before }), ...draft });
    if (b.audit.length > MAX_AUDIT_RECORDS) b.audit.length = MAX_AUDIT_RECORDS;
  }
}
