import { raiseAlerts } from "../alerts/raise";
import { recordRun } from "../analytics/record";
import type { ScoreRun } from "../schemas/outcome";
import type { ScriptCall, StoreItem } from "../store/interface";
import type { PipelineDeps } from "./deps";
import type { ShadowScore } from "./shadows";
import type { ObservationLog } from "../analytics/observations";
import { entityIds } from "../features";
import type { TransactionRecord } from "../schemas/feedback";
import type { ScoreResult } from "../schemas/score";

/** What is kept of a scored transaction for its labels and the review queue: its entities, never a card number. */
function transactionRecord(item: StoreItem, result: ScoreResult, features: Float32Array): TransactionRecord {
  const { tx } = item.input;
  const ids = entityIds(tx);
  return {
    transaction_id: tx.transaction_id,
    merchant: tx.merchant.id,
    t: item.input.t,
    score: result.score,
    decision: result.decision,
    ...(result.decision_source && { decision_source: result.decision_source }),
    model: { version: result.model.version, ...(result.model.role && { role: result.model.role }) },
    source: item.source,
    amount: tx.amount,
    currency: tx.currency,
    entities: {
      card: tx.card.fingerprint,
      ...(ids.device !== undefined && { device: ids.device }),
      ...(ids.ip !== undefined && { ip: ids.ip }),
      ...(ids.customer !== undefined && { customer: ids.customer }),
      ...(tx.customer?.email_domain !== undefined && { email_domain: tx.customer.email_domain.toLowerCase() }),
    },
    reasons: result.reasons.map((r) => r.code),
    // Nine significant digits: every float32 round-trips exactly.
    features: Array.from(features, (x) => Number(x.toPrecision(9))),
    ...(result.degraded.length > 0 && { degraded: [...result.degraded] }),
  };
}

/** Each fresh decision with the scores of every model that saw it, for the A/B report. */
function observe(log: ObservationLog, items: readonly StoreItem[], run: ScoreRun, shadows: readonly ShadowScore[][]): void {
  const at = Date.now();
  run.outcomes.forEach((o, i) => {
    if (o.kind !== "scored") return;
    const { result } = o;
    log.add({
      at,
      merchant: items[i]!.input.tx.merchant.id,
      transaction_id: result.transaction_id,
      decision: result.decision,
      model: { version: result.model.version, role: result.model.role ?? "live", score: result.score },
      shadows: (shadows[i] ?? []).map((s) => ({ version: s.version, score: Math.round(s.score * 1e6) / 1e6, decision: s.decision })),
    });
  });
}

/**
 * Work that follows a decision without delaying it (`waitUntil`): decision data points for Analytics Engine,
 * alerts for high-risk decisions (docs/alerts.md), and each fresh answer stored under its idempotency key — or,
 * when the store's call failed (`release`: it may still have recorded, e.g. on a timeout), that call undone, so a
 * retry is scored once and not refused as in progress. Failures here are logged, never surfaced to the caller who
 * already has the answer.
 */
/**
 * A timed-out call may still be queued on its way to Redis when the first release arrives: the second, a moment
 * later, undoes what such a late call recorded. Each release only touches a reservation that is still this
 * attempt's own, so neither can undo a retry's work.
 */
export const RELEASE_AGAIN_AFTER_MS = 2_000;

async function releaseTwice(deps: PipelineDeps, items: readonly StoreItem[]): Promise<void> {
  const release = () => deps.store.release([...items]).catch((e: unknown) => console.error("feature store: releasing a failed call failed:", e instanceof Error ? e.name : typeof e));
  await release();
  await new Promise((r) => setTimeout(r, RELEASE_AGAIN_AFTER_MS));
  await release();
}

export function afterResponse(
  items: readonly StoreItem[],
  run: ScoreRun,
  deps: PipelineDeps,
  waitUntil: (work: Promise<unknown>) => void,
  opts: { release: boolean; shadows?: Promise<ShadowScore[][]> },
): void {
  // Shadow scores are recorded beside the decision; a shadow that fails costs its scores, never the record.
  const shadows = (opts.shadows ?? Promise.resolve([])).catch((e: unknown) => {
    console.warn("shadow scoring failed", e instanceof Error ? e.message : e);
    return [] as ShadowScore[][];
  });
  waitUntil(
    shadows.then((s) => {
      observe(deps.observations, items, run, s);
      return recordRun(deps.analytics, deps.model, items, run, s);
    }).catch((e: unknown) => console.error("analytics: recording failed", e)),
  );
  waitUntil(raiseAlerts(deps.alerts, items, run.outcomes));
  if (opts.release) {
    waitUntil(releaseTwice(deps, items));
    return;
  }
  const fresh = run.outcomes.flatMap((o, i) => (o.kind === "scored" ? [{ item: items[i]!, response: o.result, features: o.features }] : []));
  if (fresh.length === 0) return;
  // Without the store's round trip nothing was reserved: there is nowhere to keep the answer.
  const saving = !run.degraded.includes("features");
  const byMerchant = new Map<string, TransactionRecord[]>();
  if (deps.transactions.kind !== "not_configured") {
    for (const { item, response, features } of fresh) {
      const merchant = item.input.tx.merchant.id;
      const records = byMerchant.get(merchant) ?? [];
      records.push(transactionRecord(item, response, features));
      byMerchant.set(merchant, records);
    }
  }
  // Over one Redis, the records ride the stored answers' request: one round trip after the answer, not two.
  const ride: ScriptCall[] = [];
  for (const [merchant, records] of byMerchant) {
    const calls = saving && deps.store.kind === "redis" ? deps.transactions.rememberCalls?.(merchant, records) : undefined;
    if (calls) ride.push(...calls);
    else waitUntil(deps.transactions.remember(merchant, records).catch((e: unknown) => console.error("transaction records: keeping them failed:", e instanceof Error ? e.name : typeof e)));
  }
  if (!saving) return;
  // The error's name only: Upstash errors quote the command, i.e. the transactions and their answers.
  waitUntil(deps.store.saveResponses(fresh, ride.length > 0 ? ride : undefined).catch((e: unknown) => console.error("idempotency: saving responses failed:", e instanceof Error ? e.name : typeof e)));
}
