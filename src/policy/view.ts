import { ListEntrySchema, RuleSchema, ThresholdsSchema, type ListEntry, type Rule, type Thresholds } from "../schemas/policy";
import type { PolicyReply } from "../store/policy/interface";
import { compileRule, type CompiledRule } from "./rules";
import { RangeIndex, rangeOf } from "./values";

/**
 * What an isolate holds of a merchant's policy between changes: its version, IP ranges, thresholds and its
 * enabled rules compiled — once per isolate per version — in evaluation order (oldest first).
 */
export interface PolicyView {
  version: number;
  ranges: RangeIndex<ListEntry>;
  rules: { rule: Rule; run: CompiledRule }[];
  thresholds?: Thresholds;
}

const MAX_MERCHANTS = 10_000;

/**
 * Merchants' policy views, per isolate. A score's round trip says which version is current and brings the view's
 * contents only when the version this cache holds is not it, so a change reaches every isolate on its next score
 * of that merchant — no polling, no extra round trip. Bounded: past MAX_MERCHANTS the least recently used view is
 * dropped (its merchant's next score fetches it again). `known` counts as a use: between a run asking what it
 * holds and the reply, a view must not be evicted — the reply then carries no contents, and the merchant's lists,
 * rules and thresholds would be skipped. A run names at most MAX_BATCH (1000) merchants, well under the bound.
 */
export class PolicyViews {
  private readonly views = new Map<string, PolicyView>();

  known(merchant: string): number | undefined {
    const held = this.views.get(merchant);
    if (!held) return undefined;
    this.views.delete(merchant);
    this.views.set(merchant, held);
    return held.version;
  }

  /** The view as of `reply`; a cached one when the version is the one held. */
  update(merchant: string, reply: PolicyReply): PolicyView {
    const held = this.views.get(merchant);
    if (held && held.version === reply.version && !reply.doc) return held;
    if (!reply.doc) return held ?? { version: reply.version, ranges: new RangeIndex(), rules: [] };
    const view = viewOf(reply.version, reply.doc);
    this.views.delete(merchant);
    this.views.set(merchant, view);
    if (this.views.size > MAX_MERCHANTS) this.views.delete(this.views.keys().next().value!);
    return view;
  }

  /** The last view held, for a score whose round trip failed: its ranges and thresholds still apply. */
  last(merchant: string): PolicyView | undefined {
    return this.views.get(merchant);
  }
}

function viewOf(version: number, doc: NonNullable<PolicyReply["doc"]>): PolicyView {
  const ranges = new RangeIndex<ListEntry>();
  for (const raw of doc.ranges) {
    const entry = parseListEntry(raw);
    const range = entry && rangeOf(entry.value);
    if (entry && range) ranges.add(range, entry);
  }
  const rules = doc.rules
    .flatMap((raw) => {
      const parsed = RuleSchema.safeParse(safeJson(raw));
      if (!parsed.success || !parsed.data.enabled) return [];
      // Checked when written; a rule this build cannot compile (a library upgrade) is left out and logged.
      const compiled = compileRule(parsed.data.expression);
      if (!compiled.ok) {
        console.warn(`policy: rule ${parsed.data.id} does not compile here (${compiled.problem.message}); skipped`);
        return [];
      }
      return [{ rule: parsed.data, run: compiled.run }];
    })
    .sort((a, b) => (a.rule.created_at < b.rule.created_at ? -1 : a.rule.created_at > b.rule.created_at ? 1 : a.rule.id < b.rule.id ? -1 : 1));
  let thresholds: Thresholds | undefined;
  if (doc.thresholds) {
    const parsed = ThresholdsSchema.safeParse(safeJson(doc.thresholds));
    if (parsed.success) thresholds = parsed.data;
  }
  return { version, ranges, rules, ...(thresholds && { thresholds }) };
}

/** A stored entry, parsed (what Redis holds is ours, but a record that does not parse is ignored, not trusted). */
export function parseListEntry(raw: string): ListEntry | undefined {
  const parsed = ListEntrySchema.safeParse(safeJson(raw));
  return parsed.success ? parsed.data : undefined;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
