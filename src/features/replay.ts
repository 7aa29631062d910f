import type { ScoringInput, Transaction } from "../schemas/transaction";
import { buildFeatureVector, entityIds, toBehaviourEvent } from "./definition";
import { MARKED_KINDS, applyMark } from "./fraud-marks";
import { applyEvent, emptyState, type EntityKind, type EntityState } from "./state";

/**
 * Replays a time-ordered stream the way serving sees it: each transaction's features come from its entities'
 * state *before* it, then its event is applied. Training and the serving-parity tests both use this.
 */
export class BehaviourReplay {
  private readonly states = new Map<string, EntityState>();
  /** Labels learnt later (`labelLater`), as a min-heap on when they are learnt. */
  private readonly pending: { at: number; tx: Transaction; t: number }[] = [];

  stateOf(kind: EntityKind, id: string): EntityState {
    return this.states.get(`${kind}:${id}`) ?? emptyState();
  }

  /** Features of `input` given the history so far, then records it. */
  next(input: ScoringInput, out?: Float32Array, offset?: number): Float32Array {
    this.learnUntil(input.t);
    const ids = entityIds(input.tx);
    const before: Partial<Record<EntityKind, EntityState>> = {};
    for (const [kind, id] of Object.entries(ids) as [EntityKind, string][]) before[kind] = this.stateOf(kind, id);
    const row = buildFeatureVector(input, before, out, offset);
    const event = toBehaviourEvent(input);
    for (const [kind, id] of Object.entries(ids) as [EntityKind, string][]) {
      this.states.set(`${kind}:${id}`, applyEvent(before[kind]!, event));
    }
    return row;
  }

  /**
   * A confirmed-fraud label learnt at `at` on the transaction `tx` (scored at `t`): marks its card, device and
   * customer as the feedback route does in serving. Call it in time order with `next`, so a row sees only the
   * labels known before it.
   */
  confirm(tx: Transaction, t: number, at: number): void {
    const ids = entityIds(tx);
    const mark = { t, merchant: tx.merchant.id, id: tx.transaction_id };
    for (const kind of MARKED_KINDS) {
      const id = ids[kind];
      if (id === undefined) continue;
      const state = this.stateOf(kind, id);
      this.states.set(`${kind}:${id}`, { ...state, confirmed: applyMark(state.confirmed, mark, true, at) });
    }
  }

  /** A confirmed-fraud label that will be learnt at `at`: applied before the first row after it (`next`). */
  labelLater(tx: Transaction, t: number, at: number): void {
    const h = this.pending;
    h.push({ at, tx, t });
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  /** Applies the labels learnt up to `t`, earliest first. */
  private learnUntil(t: number): void {
    const h = this.pending;
    while (h.length > 0 && h[0]!.at <= t) {
      const top = h[0]!;
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        for (let i = 0; ; ) {
          const [l, r] = [2 * i + 1, 2 * i + 2];
          let m = i;
          if (l < h.length && h[l]!.at < h[m]!.at) m = l;
          if (r < h.length && h[r]!.at < h[m]!.at) m = r;
          if (m === i) break;
          [h[m], h[i]] = [h[i]!, h[m]!];
          i = m;
        }
      }
      this.confirm(top.tx, top.t, top.at);
    }
  }

  get size(): number {
    return this.states.size;
  }
}
