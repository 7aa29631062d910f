import { NotConfiguredError } from "../errors/not-configured";
import { FEATURE_COUNT } from "../features";
import { loadModel } from "../model/load";
import { decideWithPolicy, listProbes, networkOf, parseListEntry, ruleContext, testCard, type PolicyHit, type PolicyOutcome, type PolicyView } from "../policy";
import type { ItemOutcome, ScoreRun } from "../schemas/outcome";
import type { ListEntry } from "../schemas/policy";
import { DEGRADATIONS, type Degradation, type ScoreResult } from "../schemas/score";
import type { Routing } from "../schemas/routing";
import type { RecordOutcome, StoreItem } from "../store/interface";
import type { PolicyQuery, PolicyReply } from "../store/policy/interface";
import type { RoutingQuery, RoutingReply } from "../store/routing/interface";
import { roundMs, round6 } from "../utils/round";
import { afterResponse } from "./after-response";
import type { PipelineDeps } from "./deps";
import { chooseModels, warmRouted } from "./models";
import { scoreByModel } from "./score-by-model";
import { scoreShadows, type ShadowScore } from "./shadows";

/**
 * THE path of a decision — every entry point (POST /v1/score, /v1/score/batch, the stream consumer in src/stream,
 * and later a backfill) hands its validated, authenticated items here and translates the outcomes back. Top to bottom:
 *   1. the bundled model loaded (once per isolate; a 503 when it cannot be — nothing honest to answer without it);
 *   2. read-and-update behavioural state: ONE store round trip for all items (degrades to neutral behaviour),
 *      which also brings what each merchant's lists hold for its items' values (src/policy) and the model
 *      routing's stamp (docs/models.md);
 *   3. route each item to the model that decides it — pin, challenger share, live (models.ts);
 *   4. build each fresh item's feature row (src/features: the definition training uses), run each model once for
 *      its rows, and explain each from that model's trees (score-by-model.ts);
 *   5. decide: the merchant's lists and rules, else the score against the merchant's thresholds or the deciding
 *      model card's (src/policy/evaluate.ts);
 *   6. join what the entry point itself had to do without (e.g. an unchecked rate limit);
 *   7. after the answer (`waitUntil`): the shadows score the same rows (shadows.ts), then alerts, analytics,
 *      stored answers.
 * Replays and in-progress duplicates skip 3–5: their answer is the stored one.
 */
export interface RunOptions {
  /** `performance.now()` when the request arrived: answers report the time since. */
  startedAt: number;
  /** Degradations of the request itself, settled before the answer is built (e.g. its rate-limit check). */
  degradations?: Promise<readonly Degradation[]>;
  /** Keeps work running after the answer (ExecutionContext.waitUntil). */
  waitUntil: (work: Promise<unknown>) => void;
}

export async function runDecisions(items: readonly StoreItem[], deps: PipelineDeps, opts: RunOptions): Promise<ScoreRun> {
  // Without even the bundled model there is nothing honest to answer: a 503 before anything is recorded.
  await loadModel(() => deps.models.fallback());
  const degraded: Degradation[] = [];
  const probes = items.map((item) => listProbes(item.input.tx, item.input.edge, item.source === "secret"));
  // One policy query per merchant among the items (a stream's batch holds several merchants' records).
  const merchants = merchantsOf(items);
  const queries: PolicyQuery[] =
    deps.store.kind === "not_configured"
      ? []
      : [...merchants].map(([merchant, at]) => ({ merchant, knownVersion: deps.policyViews.known(merchant), fieldsPerItem: at.map((i) => probes[i]!.map((x) => x.field)) }));
  const routingQuery = deps.store.kind === "not_configured" ? undefined : { known: deps.routing.known() };
  const { records, policies, routing: routingReply, failed } = await recordAndLookup(items, queries, routingQuery, deps, degraded);
  // Per merchant: a merchant whose policy could not be read is flagged `policy` on its own answers, not on the
  // answers of the other merchants in the run (the run's own list says some merchant's was).
  const views = new Map<string, { view: PolicyView | undefined; found: (field: string) => ListEntry | undefined; stale: boolean }>();
  queries.forEach((q, n) => views.set(q.merchant, { ...policyView(q.merchant, policies?.[n], deps), found: entriesOf(policies?.[n]) }));
  if ([...views.values()].some((v) => v.stale)) degraded.push("policy");
  const noPolicy = { view: undefined, found: entriesOf(undefined), stale: false };
  const routing = routingOf(routingReply, deps, opts.waitUntil);

  const fresh = items.flatMap((_item, i) => (records[i]!.kind === "recorded" ? [i] : []));
  const { chosen, release } = await chooseModels(fresh.map((i) => items[i]!), routing, deps.models, degraded, opts.waitUntil);
  let scoredRows: Awaited<ReturnType<typeof scoreByModel>>;
  try {
    scoredRows = await scoreByModel(
      fresh.map((i) => ({ input: items[i]!.input, states: (records[i] as Extract<RecordOutcome, { kind: "recorded" }>).states })),
      chosen,
      degraded.includes("features"),
      deps,
      degraded,
    );
  } finally {
    release();
  }
  const { rows, scores, reasons, modelMs } = scoredRows;

  const totalMs = performance.now() - opts.startedAt;
  const scored = new Map<number, Extract<ItemOutcome, { kind: "scored" }>>();
  fresh.forEach((i, r) => {
    const score = scores[r]!;
    const item = items[i]!;
    const { model, role } = chosen[r]!;
    const trusted = item.source === "secret";
    const { view, found, stale } = views.get(item.input.tx.merchant.id) ?? noPolicy;
    const { ip } = networkOf(item.input.tx, item.input.edge, trusted);
    const outcome = withTestCard(
      decideWithPolicy(
        score,
        model.card.thresholds,
        view,
        { probes: probes[i]!, found, trusted, ...(ip && { ip }), context: () => ruleContext(item.input, rows, r * FEATURE_COUNT, score, trusted) },
        item.input.t,
      ),
      item,
    );
    if (outcome.ruleErrors.length > 0) {
      deps.counters.ruleErrors += outcome.ruleErrors.length;
      for (const e of outcome.ruleErrors) logRuleError(e.rule.id, item.input.tx.merchant.id, e.message);
    }
    const result: ScoreResult = {
      transaction_id: item.input.tx.transaction_id,
      score: round6(score),
      ...answerOf(outcome, trusted),
      ...(outcome.request3ds && { request_3ds: true }),
      ...(trusted && view && { policy: policyOf(view, outcome) }),
      reasons: reasons[r]!,
      model: { id: model.card.id, version: model.card.version, role },
      timings: { total_ms: roundMs(totalMs), model_ms: roundMs(modelMs) },
      degraded: DEGRADATIONS.filter((d) => (d === "policy" ? stale : degraded.includes(d))),
    };
    scored.set(i, { kind: "scored", result, features: rows.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT) });
  });

  const outcomes = items.map((item, i): ItemOutcome => {
    const record = records[i]!;
    if (record.kind === "replay") return { kind: "replay", result: { ...(record.response as ScoreResult), replayed: true } };
    if (record.kind === "in_progress") return { kind: "in_progress", transactionId: item.input.tx.transaction_id };
    if (record.kind === "mismatch") return { kind: "conflict", transactionId: item.input.tx.transaction_id };
    return scored.get(i)!;
  });
  // The run's model is the live one, held or not (a batch all of whose items went elsewhere still names it).
  const liveCard = deps.models.cardOf(routing.live) ?? (await deps.models.fallback()).card;
  const run = withDegradations({ outcomes, degraded, modelMs, model: { id: liveCard.id, version: routing.live } }, await opts.degradations);
  // The shadows score the same rows after the answer — started from the event loop's next turn, so not one of
  // their instructions runs before the response is on its way; analytics waits for their scores to record them.
  const shadows =
    routing.shadows.length > 0 && fresh.length > 0
      ? new Promise((r) => setTimeout(r, 0)).then(() => scoreShadows(routing.shadows, rows, FEATURE_COUNT, deps.models)).then((perRow) => spread(perRow, fresh, items.length))
      : undefined;
  afterResponse(items, run, deps, opts.waitUntil, { release: failed, ...(shadows && { shadows }) });
  return run;
}

/** Per-fresh-row shadow scores, placed at their items' positions (other items: none). */
function spread(perRow: ShadowScore[][], fresh: readonly number[], n: number): ShadowScore[][] {
  const out: ShadowScore[][] = Array.from({ length: n }, () => []);
  fresh.forEach((i, r) => (out[i] = perRow[r]!));
  return out;
}

/**
 * The model routing as of this run: the reply's (read in the same round trip as the behaviour), or the one held
 * when the round trip failed or there is no store. A changed stamp warms the versions it names.
 */
function routingOf(reply: RoutingReply | undefined, deps: PipelineDeps, waitUntil: (p: Promise<unknown>) => void): Routing {
  if (!reply) return deps.routing.current();
  const before = deps.routing.known();
  const routing = deps.routing.update(reply);
  if (deps.routing.known() !== before) warmRouted(routing, deps.models, waitUntil);
  return routing;
}

/**
 * One round trip to the store; when it fails the score goes on with neutral behaviour and says so. `failed`: the
 * call may still have recorded (a timeout), which the after-response work undoes.
 */
async function recordAndLookup(
  items: readonly StoreItem[],
  queries: readonly PolicyQuery[],
  routing: RoutingQuery | undefined,
  deps: PipelineDeps,
  degraded: Degradation[],
): Promise<{ records: RecordOutcome[]; policies?: (PolicyReply | undefined)[]; routing?: RoutingReply; failed: boolean }> {
  let failed = false;
  try {
    const reply = await deps.store.recordAndLookup([...items], queries, routing);
    return { records: reply.outcomes, ...(reply.policies && { policies: reply.policies }), ...(reply.routing && { routing: reply.routing }), failed };
  } catch (e) {
    // A deployment without a store chose to score without behaviour: not an outage to count or log.
    if (!(e instanceof NotConfiguredError)) {
      failed = true;
      deps.counters.storeErrors++;
      // The error's name only: Upstash errors quote the command, i.e. the transaction's entity ids.
      console.warn("feature store unavailable, scoring with neutral behaviour:", e instanceof Error ? e.name : typeof e);
    }
  }
  degraded.push("features");
  return { records: items.map(() => ({ kind: "recorded", states: {} })), failed };
}

/** The positions of each merchant's items, in order of first appearance. */
function merchantsOf(items: readonly StoreItem[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((item, i) => {
    const m = item.input.tx.merchant.id;
    const at = out.get(m);
    if (at) at.push(i);
    else out.set(m, [i]);
  });
  return out;
}

/**
 * The merchant's policy as of this run: the reply's version (and contents when it moved on), or — when the round
 * trip failed — the last view this isolate held, flagged `policy`: its ranges and thresholds still apply, its
 * per-value entries could not be read.
 */
function policyView(merchant: string, reply: PolicyReply | undefined, deps: PipelineDeps): { view: PolicyView | undefined; stale: boolean } {
  if (reply) return { view: deps.policyViews.update(merchant, reply), stale: false };
  return { view: deps.policyViews.last(merchant), stale: true };
}

/** The entries the round trip found, parsed once each, by field. */
function entriesOf(reply: PolicyReply | undefined): (field: string) => ListEntry | undefined {
  const parsed = new Map<string, ListEntry | undefined>();
  return (field) => {
    const raw = reply?.hits[field];
    if (raw === undefined) return undefined;
    if (!parsed.has(field)) parsed.set(field, parseListEntry(raw));
    return parsed.get(field);
  };
}

const hitView = (h: PolicyHit): NonNullable<ScoreResult["policy"]>["hits"][number] =>
  h.type === "list"
    ? { type: "list", entry_id: h.entry.id, kind: h.entry.kind, value: h.entry.value, action: h.entry.action }
    : { type: "rule", rule_id: h.rule.id, name: h.rule.name, action: h.rule.action };

function policyOf(view: PolicyView, outcome: PolicyOutcome): NonNullable<ScoreResult["policy"]> {
  return {
    version: view.version,
    ...(outcome.decidedBy && { decided_by: hitView(outcome.decidedBy) }),
    hits: outcome.hits.map(hitView),
    ...(outcome.ruleErrors.length > 0 && { rule_errors: outcome.ruleErrors.map((e) => ({ rule_id: e.rule.id, message: e.message })) }),
  };
}

/** A failing rule is logged once a minute per isolate, not once per score (the answer reports every failure). */
const loggedAt = new Map<string, number>();
function logRuleError(ruleId: string, merchant: string, message: string): void {
  const now = Date.now();
  if ((loggedAt.get(ruleId) ?? 0) > now - 60_000) return;
  if (loggedAt.size > 10_000) loggedAt.clear();
  loggedAt.set(ruleId, now);
  console.warn(`policy: rule ${ruleId} of ${merchant} failed (${message}); skipped`);
}

const RISK_OF = { approve: "low", review: "elevated", decline: "high" } as const;

/**
 * The decision as the caller is told it. A checkout page (untrusted) is not told what decided, nor the model's risk
 * where the policy overrode it: changing one field at a time, a shopper would otherwise learn which of its values
 * is on which list. Test cards say so to test keys, pages included.
 */
function answerOf(outcome: PolicyOutcome, trusted: boolean): Pick<ScoreResult, "decision" | "risk_level" | "decision_source"> {
  if (trusted || outcome.decision_source === "test_mode") return { decision: outcome.decision, risk_level: outcome.risk_level, decision_source: outcome.decision_source };
  return { decision: outcome.decision, risk_level: outcome.decision_source === "model" ? outcome.risk_level : RISK_OF[outcome.decision] };
}

/** A test card sent with a test-mode key decides over everything else (src/policy/test-mode.ts). */
function withTestCard(outcome: PolicyOutcome, item: StoreItem): PolicyOutcome {
  const forced = testCard(item.input.tx.card.fingerprint, item.testMode === true);
  if (!forced) return outcome;
  const { decidedBy: _ignored, ...rest } = outcome;
  return { ...rest, decision: forced.decision, risk_level: forced.risk_level, decision_source: "test_mode", request3ds: outcome.request3ds || forced.request3ds === true };
}

/**
 * The run with the request's own degradations merged into what scoring reported, in the order DEGRADATIONS
 * lists them so answers compare stably. Replays keep their stored answer.
 */
function withDegradations(run: ScoreRun, extra: readonly Degradation[] = []): ScoreRun {
  if (extra.length === 0) return run;
  const merged = (own: readonly Degradation[]) => DEGRADATIONS.filter((d) => own.includes(d) || extra.includes(d));
  return {
    ...run,
    degraded: merged(run.degraded),
    outcomes: run.outcomes.map((o) => (o.kind === "scored" ? { ...o, result: { ...o.result, degraded: merged(o.result.degraded) } } : o)),
  };
}
