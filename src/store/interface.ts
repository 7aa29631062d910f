import type { EntityKind, EntityState, ScoringInput } from "../features";
import type { Ping } from "../schemas/health";
import type { PolicyQuery, PolicyReply } from "./policy/interface";
import type { RoutingQuery, RoutingReply } from "./routing/interface";

/**
 * Where behavioural state lives. `recordAndLoad` is the one round trip of a score: for every transaction (in
 * order) it returns its entities' state *before* it and records it, atomically, so parallel scores on one card
 * all count. A transaction whose idempotency key was seen within the window is not recorded again: its stored
 * answer is returned when the request matches (its fingerprint), a mismatch when it does not, and `in_progress`
 * while the first request is still being answered.
 *
 * Implementations side by side: redis.ts (Upstash Redis, one Lua script per call), memory.ts (this isolate's
 * memory, on the same `applyEvent` as training), not-configured.ts (no store: every call throws
 * NotConfiguredError and scores go on with neutral behaviour). from-config.ts picks one.
 */
export type EntityStates = Partial<Record<EntityKind, EntityState>>;

export type RecordOutcome =
  | { kind: "recorded"; states: EntityStates }
  | { kind: "replay"; response: unknown }
  | { kind: "in_progress" }
  /** The key's first request was a different one (another body, or for a page, another shopper). */
  | { kind: "mismatch" };

export interface StoreItem {
  input: ScoringInput;
  /** Who sent it: a checkout page (publishable key) or the merchant's server (secret key). */
  source: "publishable" | "secret";
  /** Sent with a test-mode key: the test cards apply (src/policy/test-mode.ts). */
  testMode?: boolean;
  /** Scope of the idempotency key: merchant, key kind, then the transaction id or the Idempotency-Key header. */
  idempotencyKey: string;
  /** SHA-256 (hex) of the canonical request — and, for a publishable key, the shopper's network: a retry must match. */
  fingerprint: string;
  /** What this attempt reserves its key with (`pending:<fingerprint>:<nonce>`): its own, so it can release it. */
  reservation: string;
}

/** A record call's answer: per item its outcome, and what the merchant's policy says of the items' values. */
export interface RecordReply {
  outcomes: RecordOutcome[];
  /**
   * One per policy query sent, in the queries' order (a call's items may be several merchants'); `undefined` for
   * a merchant whose lookup failed (its items then use the policy the isolate holds, flagged `policy`).
   */
  policies?: (PolicyReply | undefined)[];
  /** Present when a routing query was sent: the model routing's stamp (src/store/routing). */
  routing?: RoutingReply;
}

export interface FeatureStore {
  readonly kind: "redis" | "memory" | "not_configured";
  /**
   * The score's one round trip: records the items and, in the same call, looks their values up in their merchants'
   * policies (one query per merchant) and reads the model routing's stamp.
   */
  recordAndLookup(items: StoreItem[], policies: readonly PolicyQuery[], routing?: RoutingQuery): Promise<RecordReply>;
  /** `recordAndLookup` without a policy lookup. */
  recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]>;
  /**
   * Stores each answer under its idempotency key, while the reservation its score set is still there — and, in the
   * same request, the other stores' after-answer writes over the same Redis (`also`: the transaction records).
   */
  saveResponses(entries: { item: StoreItem; response: unknown }[], also?: ScriptCall[]): Promise<void>;
  /**
   * For a record call whose answer never came back (a timeout): if it did record, undo it — its reservation and
   * its events — so a retry is scored, and counted, once. Leaves alone whatever a later attempt reserved.
   */
  release(items: StoreItem[]): Promise<void>;
  /** Current state of one entity, for operators. */
  entity(kind: EntityKind, id: string): Promise<EntityState | null>;
  /** Readiness, with the round-trip time. */
  ping(): Promise<Ping>;
}

/** A Lua script call another store hands the feature store to send in its request (one round trip after the answer). */
export interface ScriptCall {
  script: string;
  keys: string[];
  args: string[];
}

export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
/**
 * How long a transaction id stays reserved while its answer is being computed. Short, so that if the answer is
 * never stored (the Worker died, Redis failed after the read) a retry is scored again instead of being refused
 * for a day.
 */
export const PENDING_TTL_S = 60;

/** A reservation of this attempt's own. */
export const reservationFor = (fingerprint: string) => `pending:${fingerprint}:${crypto.randomUUID()}`;

/** What is stored under an idempotency key once answered: the answer, and the fingerprint a retry must match. */
export interface StoredAnswer {
  fingerprint: string;
  response: unknown;
}

/** The stored value's outcome for `item`: its answer when the request matches, a mismatch otherwise. */
export function storedOutcome(stored: string, item: StoreItem): RecordOutcome {
  let answer: Partial<StoredAnswer>;
  try {
    answer = JSON.parse(stored) as Partial<StoredAnswer>;
  } catch {
    return { kind: "mismatch" };
  }
  return answer.fingerprint === item.fingerprint ? { kind: "replay", response: answer.response } : { kind: "mismatch" };
}
