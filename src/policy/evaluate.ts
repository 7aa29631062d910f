import type { ModelCard } from "../model/card";
import { LIST_KINDS, type ListAction, type ListEntry, type Rule } from "../schemas/policy";
import type { Decision, RiskLevel } from "../schemas/score";
import { decide } from "../scoring/decide";
import type { ListProbe } from "./lookup";
import type { RuleContext } from "./rules";
import { inRange } from "./values";
import type { PolicyView } from "./view";

export type DecisionSource = "model" | "list" | "rule" | "test_mode";

/** A policy element that matched the transaction. */
export type PolicyHit = { type: "list"; entry: ListEntry } | { type: "rule"; rule: Rule };

export interface PolicyOutcome {
  decision: Decision;
  /** The model's view of the risk (the score against the thresholds in force), whatever decided. */
  risk_level: RiskLevel;
  decision_source: DecisionSource;
  /** What decided, when the policy did. */
  decidedBy?: PolicyHit;
  /** In evaluation order: every list entry that matched, and the rules that matched up to the deciding stage. */
  hits: PolicyHit[];
  /** A request_3ds rule matched: the answer advises 3-D Secure (it decides nothing). */
  request3ds: boolean;
  /** Rules that failed at run time: skipped, never failing the score. */
  ruleErrors: { rule: Rule; message: string }[];
}

export interface PolicyInputs {
  probes: readonly ListProbe[];
  found: (field: string) => ListEntry | undefined;
  /** The transaction's IP in canonical form, for the ranges. */
  ip?: string;
  /** The rules' context, built only if some rule is evaluated. */
  context: () => RuleContext;
}

const DECISION_OF: Record<ListAction, Decision> = { allow: "approve", block: "decline", review: "review" };
const STAGES: readonly ListAction[] = ["allow", "block", "review"];
const KIND_ORDER = new Map(LIST_KINDS.map((k, i) => [k, i]));

/**
 * The decision, policy beside the model (docs/policy.md), in Radar's order: request_3ds rules (advisory), then the
 * allow stage, the block stage, the review stage — in each, the merchant's list entries (in list-kind order) and
 * then its rules (oldest first); the first match of the first stage that has one decides. When nothing matched,
 * the score against the merchant's thresholds if set, else the model card's. Expired entries never match; a rule
 * that fails at run time is skipped and reported. Rules of later stages than the deciding one are not evaluated.
 */
export function decideWithPolicy(score: number, card: ModelCard["thresholds"], view: PolicyView | undefined, inputs: PolicyInputs, now: number): PolicyOutcome {
  const model = decide(score, view?.thresholds ?? card);
  const live = (e: ListEntry) => e.expires_at === undefined || Date.parse(e.expires_at) > now;
  const entries: ListEntry[] = [];
  for (const p of inputs.probes) {
    const e = inputs.found(p.field);
    if (e && live(e)) entries.push(e);
  }
  if (inputs.ip && view) for (const r of view.ranges) if (live(r.entry) && inRange(inputs.ip, r.range)) entries.push(r.entry);
  entries.sort((a, b) => KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)! || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

  const ruleErrors: PolicyOutcome["ruleErrors"] = [];
  let context: RuleContext | undefined;
  const matches = (r: { rule: Rule; run: (c: RuleContext) => unknown }): boolean => {
    try {
      const out = r.run((context ??= inputs.context()));
      if (typeof out === "boolean") return out;
      ruleErrors.push({ rule: r.rule, message: `returned ${typeof out}, not a bool` });
    } catch (e) {
      ruleErrors.push({ rule: r.rule, message: (e instanceof Error ? e.message : String(e)).split("\n")[0]! });
    }
    return false;
  };
  const rules = view?.rules ?? [];
  const request3ds = rules.some((r) => r.rule.action === "request_3ds" && matches(r));

  const hits: PolicyHit[] = [];
  let decidedBy: PolicyHit | undefined;
  for (const stage of STAGES) {
    for (const entry of entries) if (entry.action === stage) hits.push({ type: "list", entry });
    if (!decidedBy) for (const r of rules) if (r.rule.action === stage && matches(r)) hits.push({ type: "rule", rule: r.rule });
    // Later stages' list entries are still reported (they cost nothing); their rules are not run.
    decidedBy ??= hits.find((h) => (h.type === "list" ? h.entry.action : h.rule.action) === stage);
  }
  if (!decidedBy) return { ...model, decision_source: "model", hits, request3ds, ruleErrors };
  const action = decidedBy.type === "list" ? decidedBy.entry.action : (decidedBy.rule.action as ListAction);
  return { decision: DECISION_OF[action], risk_level: model.risk_level, decision_source: decidedBy.type, decidedBy, hits, request3ds, ruleErrors };
}
