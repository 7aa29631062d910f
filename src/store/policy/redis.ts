import type { Redis } from "@upstash/redis/cloudflare";
import {
  AuditRecordSchema,
  ListEntrySchema,
  MAX_IP_RANGES,
  MAX_LIST_ENTRIES,
  MAX_RULES,
  RuleSchema,
  ThresholdsSchema,
  type AuditRecord,
  type ListEntry,
  type ListKind,
  type Rule,
  type Thresholds,
} from "../../schemas/policy";
import { parsed } from "../parsed";
import { upstashRedis, type UpstashConnection } from "../upstash";
import { MAX_AUDIT_RECORDS, type AuditDraft, type PolicySettings, type PolicyStore, type PutOutcome, type RulePutOutcome } from "./interface";
import { policyKeys } from "./layout";
import { DELETE_ENTRY_SCRIPT, DELETE_RULE_SCRIPT, PUT_ENTRY_SCRIPT, PUT_RULE_SCRIPT, PUT_THRESHOLDS_SCRIPT } from "./scripts";

/** The audit draft as the scripts take it: its JSON without the opening brace (they put the version in front). */
const auditTail = (draft: AuditDraft) => JSON.stringify(draft).slice(1);
const field = (entry: Pick<ListEntry, "kind" | "value">) => `${entry.kind}:${entry.value}`;

const parseEntry = (raw: string | null | undefined) => parsed<ListEntry>(ListEntrySchema, raw);
const parseRule = (raw: string | null | undefined) => parsed<Rule>(RuleSchema, raw);

const SCAN_COUNT = 500;
const MAX_SCAN_STEPS = 8;

export interface RedisPolicyStoreOptions extends UpstashConnection {
  timeoutMs: number;
}

/** A merchant's policy in Upstash Redis (layout.ts), each change one script (scripts.ts). */
export class RedisPolicyStore implements PolicyStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly put;
  private readonly del;
  private readonly thresholds;
  private readonly putRuleScript;
  private readonly deleteRuleScript;

  constructor(opts: RedisPolicyStoreOptions) {
    // An operator is waiting, not a checkout: one retry on a network error.
    this.redis = upstashRedis({ ...opts, retries: 1 });
    this.put = this.redis.createScript<["stored", number, string | null] | ["full", "entries" | "ranges"] | ["collision"]>(PUT_ENTRY_SCRIPT);
    this.del = this.redis.createScript<["deleted", number, string | null] | ["missing", number]>(DELETE_ENTRY_SCRIPT);
    this.thresholds = this.redis.createScript<number>(PUT_THRESHOLDS_SCRIPT);
    this.putRuleScript = this.redis.createScript<["stored", number, string | null] | ["full"] | ["missing"]>(PUT_RULE_SCRIPT);
    this.deleteRuleScript = this.redis.createScript<["deleted", number, string] | ["missing", number]>(DELETE_RULE_SCRIPT);
  }

  async putRule(merchant: string, rule: Rule, create: boolean, audit: AuditDraft): Promise<RulePutOutcome> {
    const k = policyKeys(merchant);
    const reply = await this.putRuleScript.exec(
      [k.rules, k.settings, k.audit],
      [rule.id, JSON.stringify(rule), create ? "1" : "0", String(MAX_RULES), auditTail(audit), String(MAX_AUDIT_RECORDS)],
    );
    if (reply[0] === "full") return { kind: "full", limit: MAX_RULES };
    if (reply[0] === "missing") return { kind: "missing" };
    const replaced = parseRule(reply[2]);
    return { kind: "stored", version: Number(reply[1]), ...(replaced && { replaced }) };
  }

  async deleteRule(merchant: string, id: string, audit: AuditDraft): Promise<{ version: number; removed?: Rule }> {
    const k = policyKeys(merchant);
    const reply = await this.deleteRuleScript.exec([k.rules, k.settings, k.audit], [id, auditTail(audit), String(MAX_AUDIT_RECORDS)]);
    if (reply[0] === "missing") return { version: Number(reply[1]) };
    const removed = parseRule(reply[2]);
    return { version: Number(reply[1]), ...(removed && { removed }) };
  }

  async rules(merchant: string): Promise<Rule[]> {
    const raw = (await this.redis.hvals(policyKeys(merchant).rules)) as string[];
    return raw.flatMap((r) => parseRule(r) ?? []);
  }

  async putEntry(merchant: string, entry: ListEntry, isRange: boolean, audit: AuditDraft, now = Date.now()): Promise<PutOutcome> {
    const k = policyKeys(merchant);
    const { note: _note, ...slim } = entry;
    const reply = await this.put.exec(
      [k.entries, k.ranges, k.ids, k.settings, k.audit, k.expiry],
      [
        field(entry),
        JSON.stringify(entry),
        entry.id,
        isRange ? JSON.stringify(slim) : "",
        String(MAX_LIST_ENTRIES),
        String(MAX_IP_RANGES),
        auditTail(audit),
        String(MAX_AUDIT_RECORDS),
        String(now),
        entry.expires_at ? String(Date.parse(entry.expires_at)) : "",
      ],
    );
    if (reply[0] === "collision") return { kind: "collision" };
    if (reply[0] === "full") return { kind: "full", what: reply[1], limit: reply[1] === "entries" ? MAX_LIST_ENTRIES : MAX_IP_RANGES };
    const replaced = parseEntry(reply[2]);
    return { kind: "stored", version: Number(reply[1]), ...(replaced && { replaced }) };
  }

  async deleteEntry(merchant: string, id: string, audit: AuditDraft): Promise<{ version: number; removed?: ListEntry }> {
    const k = policyKeys(merchant);
    const reply = await this.del.exec([k.entries, k.ranges, k.ids, k.settings, k.audit, k.expiry], [id, auditTail(audit), String(MAX_AUDIT_RECORDS)]);
    if (reply[0] === "missing") return { version: Number(reply[1]) };
    const removed = parseEntry(reply[2]);
    return { version: Number(reply[1]), ...(removed && { removed }) };
  }

  async getEntry(merchant: string, id: string): Promise<ListEntry | undefined> {
    const k = policyKeys(merchant);
    const f = await this.redis.hget<string>(k.ids, id);
    return f ? parseEntry(await this.redis.hget<string>(k.entries, f)) : undefined;
  }

  async listEntries(merchant: string, opts: { kind?: ListKind; cursor: string; limit: number }): Promise<{ entries: ListEntry[]; cursor: string }> {
    const k = policyKeys(merchant);
    const entries: ListEntry[] = [];
    let cursor = opts.cursor;
    // HSCAN may return fewer than COUNT (or none) per step, most of all when a kind filters the scan: a few steps
    // of a fixed size per request, then the page ends where the scan is — possibly short, even empty, with a cursor
    // to go on from. (COUNT is a hint: a small hash comes back whole, so a page can also hold more than `limit`.)
    for (let step = 0; step < MAX_SCAN_STEPS; step++) {
      const [next, flat] = await this.redis.hscan(k.entries, cursor, { count: SCAN_COUNT, ...(opts.kind && { match: `${opts.kind}:*` }) });
      for (let i = 1; i < flat.length; i += 2) {
        const entry = parseEntry(flat[i] as string);
        if (entry) entries.push(entry);
      }
      cursor = String(next);
      if (cursor === "0" || entries.length >= opts.limit) break;
    }
    return { entries, cursor };
  }

  async settings(merchant: string): Promise<PolicySettings> {
    const k = policyKeys(merchant);
    const p = this.redis.pipeline();
    p.hmget(k.settings, "version", "thresholds");
    p.hlen(k.entries);
    p.hlen(k.ranges);
    const [[version, thresholds], entries, ranges] = (await p.exec()) as [[string | null, string | null], number, number];
    const parsed = thresholds ? ThresholdsSchema.safeParse(JSON.parse(thresholds)) : undefined;
    return { version: Number(version ?? 0), ...(parsed?.success && { thresholds: parsed.data }), entries, ranges };
  }

  async putThresholds(merchant: string, thresholds: Thresholds | null, audit: AuditDraft): Promise<{ version: number }> {
    const k = policyKeys(merchant);
    const v = await this.thresholds.exec([k.settings, k.audit], [thresholds ? JSON.stringify(thresholds) : "", auditTail(audit), String(MAX_AUDIT_RECORDS)]);
    return { version: Number(v) };
  }

  async audit(merchant: string, limit: number): Promise<AuditRecord[]> {
    const raw = await this.redis.lrange<string>(policyKeys(merchant).audit, 0, limit - 1);
    return raw.flatMap((r) => {
      try {
        const parsed = AuditRecordSchema.safeParse(JSON.parse(r));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}
