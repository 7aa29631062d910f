import type { ModelCard } from "../model/card";
import { LIST_ACTIONS, LIST_KINDS, type ListAction, type ListEntry } from "../schemas/policy";
import type { Decision, RiskLevel } from "../schemas/score";
import { decide } from "../scoring/decide";
import type { ListProbe } from "./lookup";
import { inRange } from "./values";
import type { PolicyView } from "./view";

export type DecisionSource = "model" | "list" | "rule";

/** A policy element that matched the transaction. */
export interface PolicyHit {
  type: "list";
  entry: ListEntry;
}

export interface PolicyOutcome {
  decision: Decision;
  /** The model's view of the risk (the score against the thresholds in force), whatever decided. */
  risk_level: RiskLevel;
  decision_source: DecisionSource;
  /** What decided, when the policy did. */
  decidedBy?: PolicyHit;
  /** Everything that matched, in evaluation order. */
  hits: PolicyHit[];
}

const DECISION_OF: Record<ListAction, Decision> = { allow: "approve", block: "decline", review: "review" };
const KIND_ORDER = new Map(LIST_KINDS.map((k, i) => [k, i]));

/**
 * The decision, policy beside the model (docs/policy.md). Stages in Radar's order — allow, then block, then
 * review — and within a stage the first match in list-kind order (LIST_KINDS) decides; when nothing matched, the
 * score against the merchant's thresholds if set, else the model card's. Expired entries never match.
 */
export function decideWithPolicy(
  score: number,
  card: ModelCard["thresholds"],
  view: PolicyView | undefined,
  matches: { probes: readonly ListProbe[]; found: (field: string) => ListEntry | undefined; ip?: string },
  now: number,
): PolicyOutcome {
  const model = decide(score, view?.thresholds ?? card);
  const live = (e: ListEntry) => e.expires_at === undefined || Date.parse(e.expires_at) > now;
  const entries: ListEntry[] = [];
  for (const p of matches.probes) {
    const e = matches.found(p.field);
    if (e && live(e)) entries.push(e);
  }
  if (matches.ip && view) for (const r of view.ranges) if (live(r.entry) && inRange(matches.ip, r.range)) entries.push(r.entry);
  if (entries.length === 0) return { ...model, decision_source: "model", hits: [] };

  const stage = (e: ListEntry) => LIST_ACTIONS.indexOf(e.action);
  entries.sort((a, b) => stage(a) - stage(b) || KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)! || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const hits = entries.map((entry): PolicyHit => ({ type: "list", entry }));
  const first = hits[0]!;
  return { decision: DECISION_OF[first.entry.action], risk_level: model.risk_level, decision_source: "list", decidedBy: first, hits };
}
