import type { AuditRecord, ListEntry, ListKind, Rule, Thresholds } from "../../schemas/policy";

/**
 * A merchant's policy as stored (docs/policy.md): list entries and thresholds, a version that every change bumps,
 * and an audit trail. What a score needs of it comes back with the feature store's round trip
 * (FeatureStore.recordAndLookup), never from a call of its own; this interface is the management side.
 *
 * Implementations side by side: redis.ts (Upstash Redis, a Lua script per change so the entry, the version and
 * the audit record are written together), memory.ts (this isolate's memory, BACKENDS=memory, sharing its book
 * with the memory feature store), not-configured.ts (no store: every call throws NotConfiguredError).
 */
export interface PolicyStore {
  readonly kind: "redis" | "memory" | "not_configured";
  /**
   * Adds the entry, or replaces the one for its kind and value; refused (`full`) past MAX_LIST_ENTRIES or
   * MAX_IP_RANGES, and (`collision`) when its id is another value's. Purges expired entries first (up to 100).
   */
  putEntry(merchant: string, entry: ListEntry, isRange: boolean, audit: AuditDraft, now?: number): Promise<PutOutcome>;
  deleteEntry(merchant: string, id: string, audit: AuditDraft): Promise<{ version: number; removed?: ListEntry }>;
  getEntry(merchant: string, id: string): Promise<ListEntry | undefined>;
  /** A page of entries (any order, stable across pages), optionally of one kind. `cursor` "0" starts. */
  listEntries(merchant: string, opts: { kind?: ListKind; cursor: string; limit: number }): Promise<{ entries: ListEntry[]; cursor: string }>;
  settings(merchant: string): Promise<PolicySettings>;
  putThresholds(merchant: string, thresholds: Thresholds | null, audit: AuditDraft): Promise<{ version: number }>;
  /** Adds a rule (`create`: refused as `full` past MAX_RULES) or replaces the one with its id (`missing` if none). */
  putRule(merchant: string, rule: Rule, create: boolean, audit: AuditDraft): Promise<RulePutOutcome>;
  deleteRule(merchant: string, id: string, audit: AuditDraft): Promise<{ version: number; removed?: Rule }>;
  /** Every rule of the merchant (at most MAX_RULES), in no particular order. */
  rules(merchant: string): Promise<Rule[]>;
  /** The newest `limit` audit records, newest first. */
  audit(merchant: string, limit: number): Promise<AuditRecord[]>;
}

export interface PolicySettings {
  version: number;
  thresholds?: Thresholds;
  entries: number;
  ranges: number;
}

/** An audit record without the version the change produces (the store fills it in, in the same write). */
export type AuditDraft = Omit<AuditRecord, "version" | "before">;

export type RulePutOutcome = { kind: "stored"; version: number; replaced?: Rule } | { kind: "full"; limit: number } | { kind: "missing" };

export type PutOutcome = { kind: "stored"; version: number; replaced?: ListEntry } | { kind: "full"; limit: number; what: "entries" | "ranges" } | { kind: "collision" };

/** What a merchant's lists say about one transaction's values, as the feature store's round trip returns it. */
export interface PolicyQuery {
  merchant: string;
  /** The policy version this isolate holds: the store sends the ranges and thresholds only when it differs. */
  knownVersion: number | undefined;
  /** Per item (in the call's order), the list fields of its values (src/policy/lookup.ts). */
  fieldsPerItem: string[][];
}

export interface PolicyReply {
  version: number;
  /** The entries (JSON) filed under the fields asked for, by field; a field with no entry is absent. */
  hits: Record<string, string>;
  /** When the version differs from the known one: every IP range entry and rule (JSON) and the thresholds (JSON), if set. */
  doc?: { ranges: string[]; rules: string[]; thresholds: string | null };
}

/** Audit records kept per merchant. */
export const MAX_AUDIT_RECORDS = 10_000;
