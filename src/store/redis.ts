import type { Redis } from "@upstash/redis/cloudflare";
import {
  ENTITY_KINDS,
  MAX_EVENTS,
  MAX_EVENTS_PER_MERCHANT,
  RETENTION_MS,
  applyEvent,
  decodeEvent,
  decodeMark,
  encodeEvent,
  entityIds,
  toBehaviourEvent,
  type EntityKind,
  type EntityState,
} from "../features";
import type { Ping } from "../schemas/health";
import { msSince } from "../utils/round";
import { digestHex } from "../utils/sha256";
import {
  IDEMPOTENCY_TTL_S,
  PENDING_TTL_S,
  storedOutcome,
  type EntityStates,
  type FeatureStore,
  type RecordOutcome,
  type RecordReply,
  type ScriptCall,
  type StoreItem,
  type StoredAnswer,
} from "./interface";
import { META_TTL_S, eventsKey, fraudKey, idempotencyKey, metaKey } from "./keys";
import type { PolicyQuery, PolicyReply } from "./policy/interface";
import { policyKeys } from "./policy/layout";
import { POLICY_LOOKUP_SCRIPT, RECORD_SCRIPT, RELEASE_SCRIPT, SAVE_SCRIPT } from "./record-script";
import { ROUTING_KEY, type RoutingQuery, type RoutingReply } from "./routing/interface";
import { ROUTING_READ_SCRIPT } from "./routing/scripts";
import { upstashRedis, type UpstashConnection } from "./upstash";

export interface RedisStoreOptions extends UpstashConnection {
  /** Each call is abandoned after this long; the score then goes on without behavioural state. */
  timeoutMs: number;
  /** For what follows an answer (storing it, releasing a timed-out call): default 3 s. */
  afterTimeoutMs?: number;
}

type RawOutcome = ["recorded"] | ["in_progress"] | ["mismatch"] | ["stored", string];
type RawState = string[]; // [first, last, ...members]
/** false without a lookup; else version, hits per field, and when the version changed the range entries, rules and thresholds. */
type RawReply = [RawOutcome[], RawState[], RawMarks[]];
type RawMarks = string[]; // [member, t, member, t…]
/** POLICY_LOOKUP_SCRIPT's reply: version, entry per field, and when the version moved: range entries, rules, thresholds. */
type RawPolicy = [string, (string | null)[], string[]?, string[]?, (string | null)?];
/** ROUTING_READ_SCRIPT's reply: stamp, and the document when the stamp is not the one held. */
type RawRouting = [string, string | null];

/**
 * The most one record script call takes on. Its work — and so how long it holds the entities it names (and, on a
 * Redis without key locking, everyone) — grows with the items and with the distinct entities it reads (up to
 * MAX_EVENTS members each). A larger request is cut into calls within both bounds, sent in one pipeline: still
 * one round trip, applied in order.
 */
export const ITEMS_PER_CALL = 100;
export const ENTITIES_PER_CALL = 100;
/** A request of several calls gets REDIS_TIMEOUT_MS per call, up to this many times it. */
const MAX_BUDGET_FACTOR = 10;

/** Consecutive runs of items, each within ITEMS_PER_CALL and ENTITIES_PER_CALL. */
function chunk(items: readonly StoreItem[]): StoreItem[][] {
  const chunks: StoreItem[][] = [];
  let current: StoreItem[] = [];
  let seen = new Set<string>();
  for (const item of items) {
    const ids = entityIds(item.input.tx);
    const mine = ENTITY_KINDS.filter((k) => ids[k] !== undefined).map((k) => `${k}\u0000${ids[k]!}`);
    const added = mine.filter((k) => !seen.has(k)).length;
    if (current.length > 0 && (current.length === ITEMS_PER_CALL || seen.size + added > ENTITIES_PER_CALL)) {
      chunks.push(current);
      [current, seen] = [[], new Set()];
    }
    current.push(item);
    for (const k of mine) seen.add(k);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

interface Call {
  keys: string[];
  args: string[];
  /** For each item, the (kind, entity index) of its entities. */
  refs: [EntityKind, number][][];
}

/** The policy hashes a score's lookup reads (entries, ranges, settings, rules: layout.ts). */
function policyLookupKeys(merchant: string): string[] {
  const k = policyKeys(merchant);
  return [k.entries, k.ranges, k.settings, k.rules];
}

function callFor(items: readonly StoreItem[]): Call {
  const entities: { kind: EntityKind; id: string }[] = [];
  const index = new Map<string, number>();
  const refs: [EntityKind, number][][] = [];
  const perItem: string[] = [];
  for (const item of items) {
    const ids = entityIds(item.input.tx);
    const mine = ENTITY_KINDS.filter((k) => ids[k] !== undefined).map((kind): [EntityKind, number] => {
      const key = `${kind}\u0000${ids[kind]!}`;
      let e = index.get(key);
      if (e === undefined) {
        entities.push({ kind, id: ids[kind]! });
        index.set(key, (e = entities.length));
      }
      return [kind, e];
    });
    refs.push(mine);
    const event = toBehaviourEvent(item.input);
    perItem.push(item.reservation, item.fingerprint, String(event.t), encodeEvent(event), JSON.stringify(event.merchant), String(mine.length), ...mine.map(([, e]) => String(e)));
  }
  return {
    keys: [...items.map((i) => idempotencyKey(i.idempotencyKey)), ...entities.flatMap(({ kind, id }) => [eventsKey(kind, id), metaKey(kind, id), fraudKey(kind, id)])],
    args: [String(items.length), String(entities.length), String(RETENTION_MS), String(MAX_EVENTS), String(MAX_EVENTS_PER_MERCHANT), String(PENDING_TTL_S), String(META_TTL_S), ...perItem],
    refs,
  };
}

/** Behavioural state in Upstash Redis over its REST protocol: one request per score or batch. */
export class RedisFeatureStore implements FeatureStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly patient: Redis;
  /** Releases are tried twice anyway (after-response.ts): a short deadline, no retry. */
  private readonly releaser: Redis;
  private readonly script;
  private readonly saveScript;
  /** Clients for requests of several calls, by their budget factor (the deadline is a client setting). */
  private readonly bulk = new Map<number, Redis>();
  private readonly scriptSha: Promise<string>;
  private readonly lookupSha: Promise<string>;
  private readonly routingSha: Promise<string>;
  /** Whether this isolate's pipelines have loaded the scripts once (then they go by EVALSHA alone). */
  private scriptsLoaded = false;

  constructor(private readonly opts: RedisStoreOptions) {
    // A checkout is waiting: no retries, a hard deadline, raw strings (our members are JSON we decode).
    this.redis = upstashRedis(opts);
    // The SHA-1 Redis files a script under: what EVALSHA names.
    this.scriptSha = digestHex("SHA-1", RECORD_SCRIPT);
    this.lookupSha = digestHex("SHA-1", POLICY_LOOKUP_SCRIPT);
    this.routingSha = digestHex("SHA-1", ROUTING_READ_SCRIPT);
    // After the answer nobody waits, but a lost write costs an idempotent answer or a double count: one retry.
    this.patient = upstashRedis({ ...opts, timeoutMs: opts.afterTimeoutMs ?? 3_000, retries: 1 });
    this.releaser = upstashRedis({ ...opts, timeoutMs: 1_000 });
    this.script = this.redis.createScript<RawReply>(RECORD_SCRIPT);
    this.saveScript = this.patient.createScript<number>(SAVE_SCRIPT);
  }

  async recordAndLoad(items: StoreItem[]): Promise<RecordOutcome[]> {
    return (await this.recordAndLookup(items, [])).outcomes;
  }

  async recordAndLookup(items: StoreItem[], policies: readonly PolicyQuery[], routing?: RoutingQuery): Promise<RecordReply> {
    if (items.length === 0) return { outcomes: [] };
    const chunks = chunk(items);
    const calls = chunks.map(callFor);
    if (policies.length === 0 && !routing && calls.length === 1) return { outcomes: rebuild(chunks[0]!, calls[0]!.refs, await this.script.exec(calls[0]!.keys, calls[0]!.args)) };
    // One HTTP request: the record calls, then — scripts of their own, read-only, so a merchant's scores share its
    // policy keys (and every score the routing key) instead of queueing on them — each merchant's policy lookups
    // (a Lua call takes a bounded number of arguments, so one per ITEMS_PER_CALL of its items), the first of each
    // also bringing the ranges, rules and thresholds if the version moved; then the model routing's stamp (and
    // document, if it moved).
    const lookups = policies.map(lookupsFor);
    const flat = lookups.flat();
    const reads: Read[] = [...flat, ...(routing ? [{ routing: true as const, keys: [ROUTING_KEY], args: [routing.known === undefined ? "-" : String(routing.known)] }] : [])];
    const replies = await this.pipelined(calls, reads);
    const outcomes = chunks.flatMap((items, c) => rebuild(items, calls[c]!.refs, replies.records[c]!));
    let at = 0;
    const policyReplies = lookups.map((ls) => {
      const mine = replies.reads.slice(at, (at += ls.length));
      return mine.some((r) => r === null) ? undefined : policyReply(ls, mine as RawPolicy[]);
    });
    return {
      outcomes,
      ...(policies.length > 0 && { policies: policyReplies }),
      ...(routing && replies.reads[flat.length] !== null && { routing: routingReply(replies.reads[flat.length] as RawRouting) }),
    };
  }

  /**
   * The record calls and the reads in one pipeline. The scripts are loaded in the same pipeline the first time (a
   * pipeline cannot fall back from EVALSHA to EVAL) and after a NOSCRIPT (Redis restarted): a call that found no
   * script did nothing, so sending it again with the script loaded records it once.
   */
  private async pipelined(calls: Call[], reads: Read[]): Promise<{ records: RawReply[]; reads: unknown[] }> {
    const [recordSha, lookupSha, routingSha] = await Promise.all([this.scriptSha, this.lookupSha, this.routingSha]);
    const send = async (load: boolean, records: Call[], rs: Read[]) => {
      const p = this.bulkClient(Math.max(records.length, 1)).pipeline();
      if (load) {
        p.scriptLoad(RECORD_SCRIPT);
        p.scriptLoad(POLICY_LOOKUP_SCRIPT);
        p.scriptLoad(ROUTING_READ_SCRIPT);
      }
      for (const c of records) p.evalsha(recordSha, c.keys, c.args);
      for (const r of rs) p.evalshaRo("routing" in r ? routingSha : lookupSha, r.keys, r.args);
      const out = (await p.exec({ keepErrors: true })) as { result: unknown; error?: string }[];
      return out.slice(load ? 3 : 0);
    };
    const noScript = (r: { error?: string }) => r.error?.includes("NOSCRIPT") === true;
    let out = await send(!this.scriptsLoaded, calls, reads);
    if (out.slice(0, calls.length).some(noScript)) {
      if (!out.slice(0, calls.length).every(noScript)) throw new Error("feature store: some record calls ran and some found no script");
      out = await send(true, calls, reads);
    } else if (out.some(noScript)) {
      // The records ran; only the reads found no script: ask them again, alone.
      out = [...out.slice(0, calls.length), ...(await send(true, [], reads))];
    }
    // The routing's read failing (a damaged key) must not cost every score its behaviour: it is dropped, and the
    // isolate keeps the routing it holds.
    const routingAt = reads.findIndex((r) => "routing" in r);
    if (routingAt >= 0 && out[calls.length + routingAt]?.error !== undefined) {
      console.error(`model routing: reading it failed (${out[calls.length + routingAt]!.error!.split(" ")[0]}); keeping the routing held`);
      out[calls.length + routingAt] = { result: null };
    }
    // Nor may one merchant's policy read (a damaged hash) cost the others theirs: that merchant's lookup comes
    // back empty, and its items are decided on the policy the isolate holds, flagged (run.ts policyView).
    reads.forEach((r, i) => {
      const reply = out[calls.length + i];
      if ("routing" in r || reply?.error === undefined) return;
      console.error(`policy: a lookup failed (${reply.error.split(" ")[0]}); its merchant's items use the policy held`);
      out[calls.length + i] = { result: null };
    });
    const failed = out.find((r) => r.error !== undefined);
    if (failed) throw new Error(`feature store: ${failed.error!.split(" ")[0]}`);
    this.scriptsLoaded = true;
    return { records: out.slice(0, calls.length).map((r) => r.result as RawReply), reads: out.slice(calls.length).map((r) => r.result) };
  }

  private bulkClient(calls: number): Redis {
    const factor = Math.min(calls, MAX_BUDGET_FACTOR);
    let client = this.bulk.get(factor);
    if (!client) this.bulk.set(factor, (client = upstashRedis({ ...this.opts, timeoutMs: this.opts.timeoutMs * factor })));
    return client;
  }

  async saveResponses(entries: { item: StoreItem; response: unknown }[], also: ScriptCall[] = []): Promise<void> {
    if (entries.length === 0 && also.length === 0) return;
    const stored = (e: { item: StoreItem; response: unknown }) => JSON.stringify({ fingerprint: e.item.fingerprint, response: e.response } satisfies StoredAnswer);
    const keys = entries.map((e) => idempotencyKey(e.item.idempotencyKey));
    const args = [String(IDEMPOTENCY_TTL_S), ...entries.flatMap((e) => [e.item.reservation, stored(e)])];
    if (also.length === 0) {
      await this.saveScript.exec(keys, args);
      return;
    }
    // One request: the save, then the other stores' writes. EVAL, not EVALSHA: a pipeline cannot fall back on
    // NOSCRIPT, and these run after the answer, where a few hundred bytes of script text cost nobody a wait.
    const p = this.patient.pipeline();
    if (entries.length > 0) p.eval(SAVE_SCRIPT, keys, args);
    for (const c of also) p.eval(c.script, c.keys, c.args);
    const out = (await p.exec({ keepErrors: true })) as { error?: string }[];
    const failed = out.find((r) => r.error !== undefined);
    if (failed) throw new Error(`after-answer writes: ${failed.error!.split(" ")[0]}`);
  }

  async release(items: StoreItem[]): Promise<void> {
    // One small call per item: each sees only its own keys (the script's KEYS).
    const p = this.releaser.pipeline();
    for (const item of items) {
      const ids = entityIds(item.input.tx);
      const member = encodeEvent(toBehaviourEvent(item.input));
      const keys = ENTITY_KINDS.filter((k) => ids[k] !== undefined).map((k) => eventsKey(k, ids[k]!));
      p.eval(RELEASE_SCRIPT, [idempotencyKey(item.idempotencyKey), ...keys], [item.reservation, member]);
    }
    await p.exec();
  }

  async entity(kind: EntityKind, id: string): Promise<EntityState | null> {
    const p = this.redis.pipeline();
    p.hmget(metaKey(kind, id), "first", "last");
    p.zrange(eventsKey(kind, id), 0, -1);
    p.zrange(fraudKey(kind, id), 0, -1, { withScores: true });
    // Raw replies (automaticDeserialization is off): HMGET is an array in field order.
    const [[first, last], members, marks] = (await p.exec()) as [[string | null, string | null], string[], string[]];
    if (!first && members.length === 0 && marks.length === 0) return null;
    return parseState([first ?? "", last ?? "", ...members], marks);
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

interface Lookup {
  keys: string[];
  /** The version held ('-' after the first lookup), then the fields. */
  args: string[];
}

/** A merchant's lookups: one per ITEMS_PER_CALL of its items, for their fields; only the first asks for what changed. */
function lookupsFor(query: PolicyQuery): Lookup[] {
  const keys = policyLookupKeys(query.merchant);
  const out: Lookup[] = [];
  for (let at = 0; at === 0 || at < query.fieldsPerItem.length; at += ITEMS_PER_CALL) {
    const fields = [...new Set(query.fieldsPerItem.slice(at, at + ITEMS_PER_CALL).flat())];
    out.push({ keys, args: [at === 0 ? String(query.knownVersion ?? "") : "-", ...fields] });
  }
  return out;
}

/** A read-only script call of the pipeline: a policy lookup, or the routing's stamp. */
type Read = Lookup | { routing: true; keys: string[]; args: string[] };

function routingReply([stamp, doc]: RawRouting): RoutingReply {
  return { stamp: Number(stamp), ...(doc && { doc }) };
}

/** The policy answer of a request: each field's hit from the lookup that asked for it, the contents from the first. */
function policyReply(lookups: Lookup[], replies: RawPolicy[]): PolicyReply {
  const hits: Record<string, string> = {};
  let version = 0;
  let doc: PolicyReply["doc"];
  replies.forEach(([v, found, ranges, rules, thresholds], c) => {
    if (c === 0) version = Number(v);
    lookups[c]!.args.slice(1).forEach((f, i) => {
      const entry = found[i];
      if (entry) hits[f] = entry;
    });
    if (c === 0 && ranges) doc = { ranges, rules: rules ?? [], thresholds: thresholds ?? null };
  });
  return { version, hits, ...(doc && { doc }) };
}

/** Each recorded item's state before it: the entity's state before the call, carried forward as the script did. */
function rebuild(items: readonly StoreItem[], refs: [EntityKind, number][][], [outcomes, states, marks]: RawReply): RecordOutcome[] {
  const current = states.map((s, e) => parseState(s, marks[e]));
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

function parseState(raw: RawState, marks: RawMarks = []): EntityState {
  const [first, last, ...members] = raw;
  const confirmed = [];
  for (let i = 0; i < marks.length; i += 2) confirmed.push(decodeMark(marks[i]!, Number(marks[i + 1])));
  return {
    firstSeen: first ? Number(first) : null,
    lastSeen: last ? Number(last) : null,
    events: members.map(decodeEvent),
    ...(confirmed.length > 0 && { confirmed }),
  };
}
