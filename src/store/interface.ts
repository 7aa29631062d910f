import type { EntityKind, EntityState, ScoringInput } from "../features";
import type { Ping } from "../schemas/health";

/**
 * Where behavioural state lives. `recordAndLoad` is the one round trip of a score: for every transaction (in
 * order) it returns its entities' state *before* it and records it, atomically, so parallel scores on one card
 * all count. A transaction id seen within the idempotency window is not recorded again; its stored response is
 * returned instead (or `in_progress` while the first request is still being answered).
 */
export type EntityStates = Partial<Record<EntityKind, EntityState>>;

export type RecordOutcome =
  | { kind: "recorded"; states: EntityStates }
  | { kind: "replay"; response: unknown }
  | { kind: "in_progress" };

export interface StoreItem {
  input: ScoringInput;
  /** Scope of the idempotency key: merchant id + transaction id (or the Idempotency-Key header). */
  idempotencyKey: string;
}

/**
 * Implementations side by side: redis.ts (Upstash Redis, one Lua script per call), memory.ts (this isolate's
 * memory, on the same `applyEvent` as training), not-configured.ts (no store: every call throws
 * NotConfiguredError and scores go on with neutral behaviour). from-config.ts picks one.
 */
export interface FeatureStore {
  readonly kind: "redis" | "memory" | "not_configured";
  recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]>;
  /** Stores each answered response under its idempotency key (after the response is sent). */
  saveResponses(entries: { idempotencyKey: string; response: unknown }[]): Promise<void>;
  /** Current state of one entity, for operators. */
  entity(kind: EntityKind, id: string): Promise<EntityState | null>;
  /** Readiness, with the round-trip time. */
  ping(): Promise<Ping>;
}

export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
/**
 * How long a transaction id stays reserved while its answer is being computed. Short, so that if the answer is
 * never stored (the Worker died, Redis failed after the read) a retry is scored again instead of being refused
 * for a day.
 */
export const PENDING_TTL_S = 60;
