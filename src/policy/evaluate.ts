import type { ModelCard } from "../model/card";
import { LIST_KINDS, type ListAction, type ListEntry, type Rule } from "../schemas/policy";
import type { Decision, RiskLevel } from "../schemas/score";
import { decide } from "../scoring/decide";
import type { ListProbe } from "./lookup";
import type { RuleContext } from "./rules";
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
  /**
   * A merchant's server (true) or a checkout page (false). A page's body is the shopper's word: its values may move
   * a payment to block or review, never let it through, so the allow stage is skipped for pages.
   */
  trusted?: boolean;
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
 * The decision, policy beside the model (docs/policy.md), in Radar's order — where the model's thresholds are the
 * default block and review rules of their stages:
 *   request_3ds rules (advisory: they decide nothing);
 *   allow:  list entries, then rules → approve;
 *   block:  list entries, then rules → decline; else the score at or above the decline threshold → decline;
 *   review: list entries, then rules → review; else the score at or above the review threshold → review;
 *   otherwise approve.
 * Entries go in list-kind order, rules oldest first; the first match of the first stage that has one decides. The
 * thresholds are the merchant's if set, else the model card's. So an allow entry lets a high score through, and a
 * review rule never turns a model decline into a review. A checkout page's scores skip the allow stage (its body is
 * the shopper's to write: `trusted`). Expired entries never match; a rule that fails at run
 * time is skipped and reported; rules of stages after the deciding one are not run.
 */
export function decideWithPolicy(score: number, card: ModelCard["thresholds"], view: PolicyView | undefined, inputs: PolicyInputs, now: number): PolicyOutcome {
  const model = decide(score, view?.thresholds ?? card);
  const live = (e: ListEntry) => e.expires_at === undefined || Date.parse(e.expires_at) > now;
  const entries: ListEntry[] = [];
  for (const p of inputs.probes) {
    const e = inputs.found(p.field);
    if (e && live(e)) entries.push(e);
  }
  if (inputs.ip && view) for (const e of view.ranges.match(inputs.ip)) if (live(e)) entries.push(e);
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
  const hits: PolicyHit[] = [];
  const asks3ds = rules.find((r) => r.rule.action === "request_3ds" && matches(r));
  if (asks3ds) hits.push({ type: "rule", rule: asks3ds.rule });
  const request3ds = asks3ds !== undefined;

  let decided: { by: PolicyHit | "model"; stage: ListAction } | undefined;
  for (const stage of STAGES) {
    if (stage === "allow" && inputs.trusted === false) continue;
    for (const entry of entries) if (entry.action === stage) hits.push({ type: "list", entry });
    if (decided) continue; // later stages' list entries are still reported (they cost nothing); their rules are not run
    for (const r of rules) if (r.rule.action === stage && matches(r)) hits.push({ type: "rule", rule: r.rule });
    const hit = hits.find((h) => (h.type === "list" ? h.entry.action : h.rule.action) === stage);
    if (hit) decided = { by: hit, stage };
    // The model's own decision (decide: the thresholds, and a NaN score reviewed) is its stage's default rule.
    else if (stage !== "allow" && DECISION_OF[stage] === model.decision) decided = { by: "model", stage };
  }
  const base = { risk_level: model.risk_level, hits, request3ds, ruleErrors };
  if (!decided) return { ...base, decision: "approve", decision_source: "model" };
  if (decided.by === "model") return { ...base, decision: DECISION_OF[decided.stage], decision_source: "model" };
  return { ...base, decision: DECISION_OF[decided.stage], decision_source: decided.by.type, decidedBy: decided.by };
}
