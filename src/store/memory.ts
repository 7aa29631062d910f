import {
  CONFIRMED_WINDOW_MS,
  ENTITY_KINDS,
  MARKED_KINDS,
  RETENTION_MS,
  applyEvent,
  applyMark,
  emptyState,
  encodeEvent,
  entityIds,
  toBehaviourEvent,
  type EntityKind,
  type EntityState,
  type FraudMark,
} from "../features";
import type { Ping } from "../schemas/health";
import {
  IDEMPOTENCY_TTL_S,
  PENDING_TTL_S,
  storedOutcome,
  type EntityStates,
  type FeatureStore,
  type RecordOutcome,
  type RecordReply,
  type StoreItem,
  type StoredAnswer,
} from "./interface";
import { META_TTL_S } from "./keys";
import type { PolicyQuery } from "./policy/interface";
import { MemoryPolicyBook } from "./policy/memory";
import type { RoutingQuery } from "./routing/interface";
import { MemoryRoutingBook } from "./routing/memory";

/**
 * Behavioural state in this isolate's memory (BACKENDS=memory: `npm run dev` without redis-server, the memory
 * test project). The update is `applyEvent` — the definition training replays, caps included — with Redis's
 * semantics around it, so the Lua script (record-script.ts) and this store answer alike for the same history
 * (test/worker/store/memory-parity.test.ts): the events expire RETENTION_MS after the entity's last write and
 * first/last seen META_TTL_S after it; an idempotency key is reserved for PENDING_TTL_S, then kept
 * IDEMPOTENCY_TTL_S with its answer and the request's fingerprint.
 *
 * JavaScript runs one request's synchronous code at a time, so a call is atomic here as the script is in Redis.
 */
interface Entry {
  state: EntityState;
  eventsExpireAt: number;
  metaExpireAt: number;
}

interface Reservation {
  value: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  now?: () => number;
  /** Bounds memory in a long dev session: past this, the least recently written entity (or answer) is forgotten. */
  maxEntries?: number;
  /** The merchants' policies the lookups read (shared with the memory policy store). */
  policy?: MemoryPolicyBook;
}

export class MemoryFeatureStore implements FeatureStore {
  readonly kind = "memory" as const;
  private readonly entities = new Map<string, Entry>();
  private readonly idempotency = new Map<string, Reservation>();
  /** Confirmed-fraud marks per entity, kept until their newest leaves the window (as the Redis key's expiry). */
  private readonly marks = new Map<string, { marks: FraudMark[]; expiresAt: number }>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  readonly policy: MemoryPolicyBook;
  readonly routing = new MemoryRoutingBook();

  constructor(opts: MemoryStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 200_000;
    this.policy = opts.policy ?? new MemoryPolicyBook();
  }

  async recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]> {
    return items.map((item) => this.recordOne(item));
  }

  async recordAndLookup(items: StoreItem[], policies: readonly PolicyQuery[], routing?: RoutingQuery): Promise<RecordReply> {
    const outcomes = items.map((item) => this.recordOne(item));
    return { outcomes, ...(policies.length > 0 && { policies: policies.map((q) => this.policy.lookup(q)) }), ...(routing && { routing: this.routing.lookup(routing) }) };
  }

  private recordOne(item: StoreItem): RecordOutcome {
    const now = this.now();
    const prior = this.reservation(item.idempotencyKey, now);
    if (prior !== undefined) {
      if (!prior.startsWith("pending:")) return storedOutcome(prior, item);
      return prior.startsWith(`pending:${item.fingerprint}:`) ? { kind: "in_progress" } : { kind: "mismatch" };
    }
    this.remember(this.idempotency, item.idempotencyKey, { value: item.reservation, expiresAt: now + PENDING_TTL_S * 1000 });

    const ids = entityIds(item.input.tx);
    const event = toBehaviourEvent(item.input);
    const states: EntityStates = {};
    for (const kind of ENTITY_KINDS) {
      const id = ids[kind];
      if (id === undefined) continue;
      const before = this.read(kind, id, now);
      states[kind] = before;
      // The marks live in `marks` (their own expiry), as in their own Redis key: the entry keeps the events alone.
      const { confirmed: _marks, ...events } = before;
      this.remember(this.entities, key(kind, id), { state: applyEvent(events, event), eventsExpireAt: now + RETENTION_MS, metaExpireAt: now + META_TTL_S * 1000 });
    }
    return { kind: "recorded", states };
  }

  /** `also` (other stores' Redis script calls) has no meaning here: the memory stores write for themselves. */
  async saveResponses(entries: { item: StoreItem; response: unknown }[]): Promise<void> {
    const now = this.now();
    for (const { item, response } of entries) {
      // Only while this score's own reservation stands, as the Redis save script checks.
      if (this.reservation(item.idempotencyKey, now) !== item.reservation) continue;
      const value = JSON.stringify({ fingerprint: item.fingerprint, response } satisfies StoredAnswer);
      this.remember(this.idempotency, item.idempotencyKey, { value, expiresAt: now + IDEMPOTENCY_TTL_S * 1000 });
    }
  }

  async release(items: StoreItem[]): Promise<void> {
    const now = this.now();
    for (const item of items) {
      if (this.reservation(item.idempotencyKey, now) !== item.reservation) continue;
      this.idempotency.delete(item.idempotencyKey);
      const ids = entityIds(item.input.tx);
      const member = encodeEvent(toBehaviourEvent(item.input));
      for (const kind of ENTITY_KINDS) {
        const entry = ids[kind] === undefined ? undefined : this.entities.get(key(kind, ids[kind]!));
        if (entry) entry.state = { ...entry.state, events: entry.state.events.filter((e) => encodeEvent(e) !== member) };
      }
    }
  }

  async entity(kind: EntityKind, id: string): Promise<EntityState | null> {
    const state = this.read(kind, id, this.now());
    return state.firstSeen === null && state.events.length === 0 && !state.confirmed ? null : state;
  }

  /**
   * The network memory's write (src/features/fraud-marks.ts), for the memory transaction store: a labelled
   * transaction's card, device and customer marked when its label confirms fraud, unmarked otherwise.
   */
  mark(entities: Partial<Record<EntityKind, string>>, mark: FraudMark, confirmed: boolean): void {
    const now = this.now();
    for (const kind of MARKED_KINDS) {
      const id = entities[kind];
      if (id === undefined) continue;
      const k = key(kind, id);
      const held = this.marks.get(k);
      const next = applyMark(held && now < held.expiresAt ? held.marks : [], mark, confirmed, now);
      if (next.length === 0) this.marks.delete(k);
      else this.remember(this.marks, k, { marks: next, expiresAt: next.at(-1)!.t + CONFIRMED_WINDOW_MS });
    }
  }

  async ping(): Promise<Ping> {
    return { status: "ok", latency_ms: 0, detail: "in this isolate's memory (BACKENDS=memory): not shared, lost on restart" };
  }

  /** The state as Redis would hold it now: each of its two keys gone once its TTL passed. */
  private read(kind: EntityKind, id: string, now: number): EntityState {
    const held = this.marks.get(key(kind, id));
    const confirmed = held && now < held.expiresAt ? { confirmed: held.marks } : {};
    const entry = this.entities.get(key(kind, id));
    if (!entry) return { ...emptyState(), ...confirmed };
    const events = now < entry.eventsExpireAt ? entry.state.events : [];
    const meta = now < entry.metaExpireAt;
    if (!meta && events.length === 0) return { ...emptyState(), ...confirmed };
    return { firstSeen: meta ? entry.state.firstSeen : null, lastSeen: meta ? entry.state.lastSeen : null, events, ...confirmed };
  }

  private reservation(scoped: string, now: number): string | undefined {
    const r = this.idempotency.get(scoped);
    if (!r) return undefined;
    if (now < r.expiresAt) return r.value;
    this.idempotency.delete(scoped);
    return undefined;
  }

  /** Insertion order is write order, so the first key is the least recently written one. */
  private remember<V>(map: Map<string, V>, k: string, value: V): void {
    map.delete(k);
    map.set(k, value);
    if (map.size > this.maxEntries) map.delete(map.keys().next().value!);
  }
}

const key = (kind: EntityKind, id: string) => `${kind}:${id}`;
