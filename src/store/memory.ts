import { ENTITY_KINDS, RETENTION_MS, applyEvent, emptyState, encodeEvent, entityIds, toBehaviourEvent, type EntityKind, type EntityState } from "../features";
import type { Ping } from "../schemas/health";
import { IDEMPOTENCY_TTL_S, PENDING_TTL_S, type EntityStates, type FeatureStore, type RecordOutcome, type StoreItem } from "./interface";
import { META_TTL_S } from "./keys";

/**
 * Behavioural state in this isolate's memory (BACKENDS=memory: `npm run dev` without redis-server, the memory
 * test project). The update is `applyEvent` — the definition training replays — with Redis's semantics around it,
 * so the Lua script (record-script.ts) and this store answer alike for the same history
 * (test/worker/store/memory-parity.test.ts): an event already recorded is recorded once (a sorted-set member), the
 * events expire RETENTION_MS after the entity's last write and first/last seen META_TTL_S after it, and an
 * idempotency key is reserved for PENDING_TTL_S, then kept IDEMPOTENCY_TTL_S with its answer.
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

const PENDING = "pending";

export interface MemoryStoreOptions {
  now?: () => number;
  /** Bounds memory in a long dev session: past this, the least recently written entity is forgotten. */
  maxEntities?: number;
}

export class MemoryFeatureStore implements FeatureStore {
  readonly kind = "memory" as const;
  private readonly entities = new Map<string, Entry>();
  private readonly idempotency = new Map<string, Reservation>();
  private readonly now: () => number;
  private readonly maxEntities: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.maxEntities = opts.maxEntities ?? 200_000;
  }

  async recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]> {
    return items.map((item) => this.recordOne(item));
  }

  private recordOne(item: StoreItem): RecordOutcome {
    const now = this.now();
    const prior = this.reservation(item.idempotencyKey, now);
    if (prior !== undefined) return prior === PENDING ? { kind: "in_progress" } : { kind: "replay", response: JSON.parse(prior) };
    this.remember(this.idempotency, item.idempotencyKey, { value: PENDING, expiresAt: now + PENDING_TTL_S * 1000 });

    const ids = entityIds(item.input.tx);
    const event = toBehaviourEvent(item.input);
    const member = encodeEvent(event);
    const states: EntityStates = {};
    for (const kind of ENTITY_KINDS) {
      const id = ids[kind];
      if (id === undefined) continue;
      const before = this.read(kind, id, now);
      states[kind] = before;
      // A sorted set holds a member once: the same event recorded again only moves nothing.
      const without = { ...before, events: before.events.filter((e) => encodeEvent(e) !== member) };
      this.remember(this.entities, key(kind, id), {
        state: applyEvent(without, event),
        eventsExpireAt: now + RETENTION_MS,
        metaExpireAt: now + META_TTL_S * 1000,
      });
    }
    return { kind: "recorded", states };
  }

  async saveResponses(entries: { idempotencyKey: string; response: unknown }[]): Promise<void> {
    const now = this.now();
    for (const e of entries) {
      // Only where the score's own call reserved the key (Redis SET … XX), so an expired reservation stays expired.
      if (this.reservation(e.idempotencyKey, now) === undefined) continue;
      this.remember(this.idempotency, e.idempotencyKey, { value: JSON.stringify(e.response), expiresAt: now + IDEMPOTENCY_TTL_S * 1000 });
    }
  }

  async entity(kind: EntityKind, id: string): Promise<EntityState | null> {
    const state = this.read(kind, id, this.now());
    return state.firstSeen === null && state.events.length === 0 ? null : state;
  }

  async ping(): Promise<Ping> {
    return { status: "ok", latency_ms: 0, detail: "in this isolate's memory (BACKENDS=memory): not shared, lost on restart" };
  }

  /** The state as Redis would hold it now: each of its two keys gone once its TTL passed. */
  private read(kind: EntityKind, id: string, now: number): EntityState {
    const entry = this.entities.get(key(kind, id));
    if (!entry) return emptyState();
    const events = now < entry.eventsExpireAt ? entry.state.events : [];
    const meta = now < entry.metaExpireAt;
    if (!meta && events.length === 0) return emptyState();
    return { firstSeen: meta ? entry.state.firstSeen : null, lastSeen: meta ? entry.state.lastSeen : null, events };
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
    if (map.size > this.maxEntities) map.delete(map.keys().next().value!);
  }
}

const key = (kind: EntityKind, id: string) => `${kind}:${id}`;
