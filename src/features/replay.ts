import type { ScoringInput } from "../schemas/transaction";
import { buildFeatureVector, entityIds, toBehaviourEvent } from "./definition";
import { applyEvent, emptyState, type EntityKind, type EntityState } from "./state";

/**
 * Replays a time-ordered stream the way serving sees it: each transaction's features come from its entities'
 * state *before* it, then its event is applied. Training and the serving-parity tests both use this.
 */
export class BehaviourReplay {
  private readonly states = new Map<string, EntityState>();

  stateOf(kind: EntityKind, id: string): EntityState {
    return this.states.get(`${kind}:${id}`) ?? emptyState();
  }

  /** Features of `input` given the history so far, then records it. */
  next(input: ScoringInput, out?: Float32Array, offset?: number): Float32Array {
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

  get size(): number {
    return this.states.size;
  }
}
