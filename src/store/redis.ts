import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis, type UpstashConnection } from "./upstash";
import {
  ENTITY_KINDS,
  MAX_EVENTS,
  RETENTION_MS,
  decodeEvent,
  encodeEvent,
  entityIds,
  toBehaviourEvent,
  type EntityKind,
  type EntityState,
} from "../features";
import type { Ping } from "../schemas/health";
import { msSince } from "../utils/round";
import { IDEMPOTENCY_TTL_S, PENDING_TTL_S, type EntityStates, type FeatureStore, type RecordOutcome, type StoreItem } from "./interface";
import { META_TTL_S, eventsKey, idempotencyKey, metaKey } from "./keys";
import { RECORD_SCRIPT } from "./record-script";

export interface RedisStoreOptions extends UpstashConnection {
  /** Each call is abandoned after this long; the score then goes on without behavioural state. */
  timeoutMs: number;
}

type RawState = string[]; // [first, last, ...members]
type RawOutcome = ["replay", string] | ["recorded", RawState[]];

/** Behavioural state in Upstash Redis over its REST protocol: one EVALSHA per score or batch. */
export class RedisFeatureStore implements FeatureStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly script;

  constructor(opts: RedisStoreOptions) {
    // A checkout is waiting: no retries, a hard deadline, raw strings (our members are JSON we decode).
    this.redis = upstashRedis(opts);
    this.script = this.redis.createScript<RawOutcome[]>(RECORD_SCRIPT);
  }

  async recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]> {
    if (items.length === 0) return [];
    const keys: string[] = [];
    const args: string[] = [String(items.length), String(RETENTION_MS), String(MAX_EVENTS), String(PENDING_TTL_S), String(META_TTL_S)];
    const kinds: EntityKind[][] = [];
    for (const item of items) {
      const ids = entityIds(item.input.tx);
      const present = ENTITY_KINDS.filter((k) => ids[k] !== undefined);
      kinds.push(present);
      keys.push(idempotencyKey(item.idempotencyKey));
      for (const kind of present) keys.push(eventsKey(kind, ids[kind]!), metaKey(kind, ids[kind]!));
      const event = toBehaviourEvent(item.input);
      args.push(String(event.t), encodeEvent(event), String(present.length));
    }
    const raw = await this.script.exec(keys, args);
    return raw.map((r, i): RecordOutcome => {
      if (r[0] === "replay") return r[1] === "pending" ? { kind: "in_progress" } : { kind: "replay", response: JSON.parse(r[1]) };
      const states: EntityStates = {};
      kinds[i]!.forEach((kind, j) => (states[kind] = parseState(r[1][j]!)));
      return { kind: "recorded", states };
    });
  }

  async saveResponses(entries: { idempotencyKey: string; response: unknown }[]): Promise<void> {
    if (entries.length === 0) return;
    const p = this.redis.pipeline();
    // XX: only where the score's own round trip reserved the key, so an expired reservation is not revived.
    for (const e of entries) p.set(idempotencyKey(e.idempotencyKey), JSON.stringify(e.response), { ex: IDEMPOTENCY_TTL_S, xx: true });
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
