/**
 * Where the model routing lives (src/schemas/routing.ts, docs/models.md): one document and a stamp every change
 * bumps, next to the behavioural state, so a score's feature-store round trip brings the stamp back — and the
 * document only when it is not the one the isolate holds (FeatureStore.recordAndLookup's RoutingQuery). This
 * interface is the operator's side: read it, and replace it if nobody else did since.
 *
 * Implementations side by side: redis.ts (Upstash Redis, a compare-and-set script), memory.ts (this isolate,
 * BACKENDS=memory and tests, sharing its book with the memory feature store), not-configured.ts (no store: the
 * bundled model serves everything and changes are refused).
 */
export interface RoutingStore {
  readonly kind: "redis" | "memory" | "not_configured";
  /** The stored document (JSON) and its stamp; stamp 0 and no document before the first change. */
  read(): Promise<StoredRouting>;
  /**
   * Stores `doc` only if the stamp is still `expected`, under a new stamp (returned) above both it and the time in
   * ms — so stamps never repeat, even after the key is deleted; false if another change came first.
   */
  replace(expected: number, doc: string): Promise<number | false>;
}

export interface StoredRouting {
  stamp: number;
  doc?: string;
}

/** What a score's round trip asks of the routing: the stamp this isolate holds. */
export interface RoutingQuery {
  known: number | undefined;
}

/** The current stamp, and the document when it is not the one held. */
export interface RoutingReply {
  stamp: number;
  doc?: string;
}

/** The one Redis key: HASH stamp, doc. */
export const ROUTING_KEY = "models:v1:routing";
