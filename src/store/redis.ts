import type { Redis } from "@upstash/redis/cloudflare";
import {
  ENTITY_KINDS,
  MAX_EVENTS,
  MAX_EVENTS_PER_MERCHANT,
  RETENTION_MS,
  applyEvent,
  decodeEvent,
  encodeEvent,
  entityIds,
  toBehaviourEvent,
  type EntityKind,
  type EntityState,
} from "../features";
import type { Ping } from "../schemas/health";
import { msSince } from "../utils/round";
import {
  IDEMPOTENCY_TTL_S,
  PENDING_TTL_S,
  storedOutcome,
  type EntityStates,
  type FeatureStore,
  type RecordOutcome,
  type StoreItem,
  type StoredAnswer,
} from "./interface";
import { META_TTL_S, eventsKey, idempotencyKey, merchantEventsKey, metaKey } from "./keys";
import { RECORD_SCRIPT, RELEASE_SCRIPT, SAVE_SCRIPT } from "./record-script";
import { upstashRedis, type UpstashConnection } from "./upstash";

export interface RedisStoreOptions extends UpstashConnection {
  /** Each call is abandoned after this long; the score then goes on without behavioural state. */
  timeoutMs: number;
  /** For what follows an answer (storing it, releasing a timed-out call): default 3 s. */
  afterTimeoutMs?: number;
}

type RawOutcome = ["recorded"] | ["in_progress"] | ["mismatch"] | ["stored", string];
type RawState = string[]; // [first, last, ...members]

/** The entities a call touches, each once, with the merchant indexes its items write. */
class CallLayout {
  readonly entities: { kind: EntityKind; id: string }[] = [];
  readonly pairKeys: string[] = [];
  private readonly entityIndex = new Map<string, number>();
  private readonly pairIndex = new Map<string, number>();

  /** 1-based indexes (as the script counts) of the entity and of the (entity, merchant) index. */
  refs(kind: EntityKind, id: string, merchant: string): [number, number] {
    const ek = `${kind}\u0000${id}`;
    let e = this.entityIndex.get(ek);
    if (e === undefined) {
      this.entities.push({ kind, id });
      this.entityIndex.set(ek, (e = this.entities.length));
    }
    const pk = merchantEventsKey(kind, id, merchant);
    let p = this.pairIndex.get(pk);
    if (p === undefined) {
      this.pairKeys.push(pk);
      this.pairIndex.set(pk, (p = this.pairKeys.length));
    }
    return [e, p];
  }
}

/** Behavioural state in Upstash Redis over its REST protocol: one EVALSHA per score or batch. */
export class RedisFeatureStore implements FeatureStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly patient: Redis;
  private readonly script;
  private readonly saveScript;

  constructor(opts: RedisStoreOptions) {
    // A checkout is waiting: no retries, a hard deadline, raw strings (our members are JSON we decode).
    this.redis = upstashRedis(opts);
    // After the answer nobody waits, but a lost write costs an idempotent answer or a double count: one retry.
    this.patient = upstashRedis({ ...opts, timeoutMs: opts.afterTimeoutMs ?? 3_000, retries: 1 });
    this.script = this.redis.createScript<[RawOutcome[], RawState[]]>(RECORD_SCRIPT);
    this.saveScript = this.patient.createScript<number>(SAVE_SCRIPT);
  }

  async recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]> {
    if (items.length === 0) return [];
    const layout = new CallLayout();
    const refs: [EntityKind, number, number][][] = [];
    const perItem: string[] = [];
    for (const item of items) {
      const ids = entityIds(item.input.tx);
      const mine = ENTITY_KINDS.filter((k) => ids[k] !== undefined).map((k): [EntityKind, number, number] => [k, ...layout.refs(k, ids[k]!, item.input.tx.merchant.id)]);
      refs.push(mine);
      const event = toBehaviourEvent(item.input);
      perItem.push(item.reservation, item.fingerprint, String(event.t), encodeEvent(event), String(mine.length), ...mine.flatMap(([, e, p]) => [String(e), String(p)]));
    }
    const keys = [
      ...items.map((i) => idempotencyKey(i.idempotencyKey)),
      ...layout.entities.flatMap(({ kind, id }) => [eventsKey(kind, id), metaKey(kind, id)]),
      ...layout.pairKeys,
    ];
    const args = [
      String(items.length),
      String(layout.entities.length),
      String(layout.pairKeys.length),
      String(RETENTION_MS),
      String(MAX_EVENTS),
      String(MAX_EVENTS_PER_MERCHANT),
      String(PENDING_TTL_S),
      String(META_TTL_S),
      ...perItem,
    ];
    const [outcomes, states] = await this.script.exec(keys, args);
    // Each entity's state before the call, carried forward through the items in order exactly as the script did.
    const current = states.map(parseState);
    return items.map((item, i): RecordOutcome => {
      const raw = outcomes[i]!;
      if (raw[0] === "stored") return storedOutcome(raw[1], item);
      if (raw[0] !== "recorded") return { kind: raw[0] };
      const before: EntityStates = {};
      const event = toBehaviourEvent(item.input);
      for (const [kind, e] of refs[i]!) {
        before[kind] = current[e - 1]!;
        current[e - 1] = applyEvent(current[e - 1]!, event);
      }
      return { kind: "recorded", states: before };
    });
  }

  async saveResponses(entries: { item: StoreItem; response: unknown }[]): Promise<void> {
    if (entries.length === 0) return;
    const stored = (e: { item: StoreItem; response: unknown }) => JSON.stringify({ fingerprint: e.item.fingerprint, response: e.response } satisfies StoredAnswer);
    await this.saveScript.exec(
      entries.map((e) => idempotencyKey(e.item.idempotencyKey)),
      [String(IDEMPOTENCY_TTL_S), ...entries.flatMap((e) => [e.item.reservation, stored(e)])],
    );
  }

  async release(items: StoreItem[]): Promise<void> {
    // One small call per item: each must see only its own keys (the script's KEYS).
    const p = this.patient.pipeline();
    for (const item of items) {
      const ids = entityIds(item.input.tx);
      const member = encodeEvent(toBehaviourEvent(item.input));
      const keys = ENTITY_KINDS.filter((k) => ids[k] !== undefined).flatMap((k) => [eventsKey(k, ids[k]!), merchantEventsKey(k, ids[k]!, item.input.tx.merchant.id)]);
      p.eval(RELEASE_SCRIPT, [idempotencyKey(item.idempotencyKey), ...keys], [item.reservation, member]);
    }
    await p.exec();
  }

  async entity(kind: EntityKind, id: string): Promise<EntityState | null> {
    const p = this.redis.pipeline();
    p.hmget(metaKey(kind, id), "first", "last");
    p.zrange(eventsKey(kind, id), 0, -1);
    // Raw replies (automaticDeserialization is off): HMGET is an array in field order.
    const [[first, last], members] = (await p.exec()) as [[string | null, string | null], string[]];
    if (!first && members.length === 0) return null;
    return parseState([first ?? "", last ?? "", ...members]);
  }

  async ping(): Promise<Ping> {
    const started = performance.now();
    try {
      await this.redis.ping();
      return { status: "ok", latency_ms: msSince(started) };
    } catch (e) {
      return { status: "down", detail: e instanceof Error ? e.message : String(e) };
    }
  }
}

function parseState(raw: RawState): EntityState {
  const [first, last, ...members] = raw;
  return {
    firstSeen: first ? Number(first) : null,
    lastSeen: last ? Number(last) : null,
    events: members.map(decodeEvent),
  };
}
