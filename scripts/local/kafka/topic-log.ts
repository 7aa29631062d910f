import { Redis } from "ioredis";

/** One Kafka record as stored: Upstash's REST model, where keys, values and header values are strings. */
export interface StoredRecord {
  key: string;
  value: string;
  /** Unix milliseconds. */
  timestamp: number;
  headers: { key: string; value: string }[];
}

export interface LoggedRecord extends StoredRecord {
  topic: string;
  partition: number;
  offset: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Append-only partitions plus consumer-group committed offsets. Offsets are Kafka's: 0, 1, 2, … per partition.
 * A topic springs into existence (one partition) on first produce; producing to partition N widens it to N + 1.
 */
export interface TopicLog {
  readonly kind: "redis-streams" | "memory";
  append(topic: string, partition: number, records: StoredRecord[]): Promise<number[]>;
  /** Up to `max` records from `offset` on. */
  read(tp: TopicPartition, offset: number, max: number): Promise<LoggedRecord[]>;
  /** The offset the next record will get (= record count). */
  endOffset(tp: TopicPartition): Promise<number>;
  /** Topic → partition count. */
  topics(): Promise<Record<string, number>>;
  /** Committed offset = the next offset the group will read (Kafka's convention), or undefined. */
  committed(group: string, tp: TopicPartition): Promise<number | undefined>;
  commit(group: string, offsets: (TopicPartition & { offset: number })[]): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryTopicLog(): TopicLog {
  const partitions = new Map<string, StoredRecord[][]>();
  const committed = new Map<string, Map<string, number>>();
  const log = (topic: string, partition: number) => {
    const list = partitions.get(topic) ?? [];
    while (list.length <= partition) list.push([]);
    partitions.set(topic, list);
    return list[partition]!;
  };
  return {
    kind: "memory",
    async append(topic, partition, records) {
      const target = log(topic, partition);
      return records.map((r) => target.push(r) - 1);
    },
    async read({ topic, partition }, offset, max) {
      const records = partitions.get(topic)?.[partition] ?? [];
      return records.slice(offset, offset + max).map((r, i) => ({ ...r, topic, partition, offset: offset + i }));
    },
    async endOffset({ topic, partition }) {
      return partitions.get(topic)?.[partition]?.length ?? 0;
    },
    async topics() {
      return Object.fromEntries([...partitions].map(([topic, list]) => [topic, list.length]));
    },
    async committed(group, { topic, partition }) {
      return committed.get(group)?.get(`${topic}:${partition}`);
    },
    async commit(group, offsets) {
      const byGroup = committed.get(group) ?? new Map<string, number>();
      for (const o of offsets) byGroup.set(`${o.topic}:${o.partition}`, o.offset);
      committed.set(group, byGroup);
    },
    async close() {},
  };
}

const TOPICS_KEY = "kafka:topics";
const streamKey = (topic: string, partition: number) => `kafka:log:${topic}:${partition}`;
const committedKey = (group: string) => `kafka:committed:${group}`;
// Kafka topic names cannot contain ':', so it separates topic and partition unambiguously.
const tpField = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;

/**
 * Each partition is a Redis stream whose entry IDs are `0-<offset + 1>`: `XADD key 0-* …` lets Redis (≥ 7)
 * assign the next sequence number atomically, so concurrent producers get distinct, gap-free offsets without Lua.
 */
export async function connectRedisTopicLog(url: string): Promise<TopicLog> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 5_000,
    retryStrategy: () => 100,
  });
  redis.on("error", () => {});
  await redis.connect();

  const widen = async (topic: string, partitions: number) => {
    const known = Number((await redis.hget(TOPICS_KEY, topic)) ?? 0);
    if (partitions > known) await redis.hset(TOPICS_KEY, topic, String(partitions));
  };

  return {
    kind: "redis-streams",
    async append(topic, partition, records) {
      await widen(topic, partition + 1);
      const pipeline = redis.pipeline();
      for (const r of records) {
        pipeline.xadd(streamKey(topic, partition), "0-*", "k", r.key, "v", r.value, "t", String(r.timestamp), "h", JSON.stringify(r.headers));
      }
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([error, id]) => {
        if (error) throw error;
        return Number(String(id).split("-")[1]) - 1;
      });
    },
    async read({ topic, partition }, offset, max) {
      const entries = await redis.xrange(streamKey(topic, partition), `0-${offset + 1}`, "+", "COUNT", max);
      return entries.map(([id, fields]) => {
        const f = Object.fromEntries(pairs(fields));
        return {
          topic,
          partition,
          offset: Number(id.split("-")[1]) - 1,
          key: f.k ?? "",
          value: f.v ?? "",
          timestamp: Number(f.t),
          headers: JSON.parse(f.h ?? "[]") as StoredRecord["headers"],
        };
      });
    },
    async endOffset({ topic, partition }) {
      const [last] = await redis.xrevrange(streamKey(topic, partition), "+", "-", "COUNT", 1);
      return last ? Number(last[0].split("-")[1]) : 0;
    },
    async topics() {
      const all = await redis.hgetall(TOPICS_KEY);
      return Object.fromEntries(Object.entries(all).map(([t, n]) => [t, Number(n)]));
    },
    async committed(group, tp) {
      const value = await redis.hget(committedKey(group), tpField(tp));
      return value === null ? undefined : Number(value);
    },
    async commit(group, offsets) {
      if (offsets.length === 0) return;
      await redis.hset(committedKey(group), Object.fromEntries(offsets.map((o) => [tpField(o), String(o.offset)])));
    },
    async close() {
      redis.disconnect();
    },
  };
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
