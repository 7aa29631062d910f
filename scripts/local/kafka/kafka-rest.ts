import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { z } from "zod";
import { closeServer, fromLoopback, listenLoopback, parseJson, readBody, safeEqual, sendJson } from "../http-util";
import { Arrivals } from "./arrivals";
import { serialise, toStoredRecord } from "./confluent-v3";
import { ConsumerGroups, type AutoOffsetReset, type ConsumerConfig } from "./consumer-groups";
import {
  CommitBody, ConfluentRecord, ConsumeBody, FetchBody, TopicName, TopicPartitionList, upstashProduceBody,
  type UpstashMessage,
} from "./schemas";
import { connectRedisTopicLog, createMemoryTopicLog, type LoggedRecord, type StoredRecord, type TopicLog } from "./topic-log";

/**
 * A Kafka REST endpoint speaking the Upstash Kafka REST protocol (what @upstash/kafka sends) and Confluent REST v3
 * produce, over one TopicLog, so a consumer of either sees records produced through both.
 *   POST /produce, POST /produce/<topic>    message | message[]  → metadata[] (request order)
 *   GET  /produce/<topic>/<message>?key=                         → metadata
 *   POST /consume/<group>/<instance>        {topic|topics, timeout} + Kafka-* headers → message[]
 *   POST /commit/<group>/<instance>         offset | offset[] | empty (= all consumed)
 *   POST /committed/<group>/<instance>, POST /fetch, GET /topics, GET /consumers,
 *   POST /delete-consumer/<group>/<instance>, POST /offsets/<timestamp|earliest|latest>
 *   POST /kafka/v3/clusters/<cluster>/topics/<topic>/records      Confluent v3 record → {error_code: 200, …}
 * HTTP Basic auth. Errors: Upstash routes `{error, status}`, Confluent routes `{error_code, message}`.
 * Loopback-only, unauthenticated: GET /__stats, POST /__stats/reset, POST /__fault {"down": bool} (while down
 * every produce answers 503).
 */
export interface KafkaRestStats {
  requests: number;
  /** Records appended (a produce of 3 messages counts 3). */
  produced: number;
  /** Failed produces while the fault was on. */
  rejected: number;
  byPath: Record<string, number>;
  down: boolean;
}

export interface KafkaRestHandle {
  /** `http://127.0.0.1:<port>` — UPSTASH_KAFKA_REST_URL, and the Confluent REST base URL. */
  readonly url: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly storage: TopicLog["kind"];
  setDown(down: boolean): void;
  stats(): KafkaRestStats;
  resetStats(): void;
  close(): Promise<void>;
}

export interface StartKafkaRestOptions {
  /** A redis-server URL: records go to Redis Streams there. Omitted: kept in this process's memory. */
  redis?: string;
  username: string;
  password: string;
  /** 0 or omitted: a free port. */
  port?: number;
}

type Metadata = { topic: string; partition: number; offset: number; timestamp: number };
type Reply = { status: number; body: unknown };
type Produced = { kind: "produced"; metadata: Metadata[] } | { kind: "down" };

const upstashError = (status: number, error: string): Reply => ({ status, body: { error, status } });
const confluentError = (status: number, message: string): Reply => ({ status, body: { error_code: status, message } });
const DOWN_MESSAGE = "Kafka REST is down (fault injected via /__fault)";
const DEFAULT_TIMEOUT_MS = 1_000;

export async function startKafkaRest(options: StartKafkaRestOptions): Promise<KafkaRestHandle> {
  const log = options.redis ? await connectRedisTopicLog(options.redis) : createMemoryTopicLog();
  const arrivals = new Arrivals();
  const groups = new ConsumerGroups(log, arrivals);
  const expectedAuth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;
  let down = false;
  let stats = emptyStats();

  async function produce(items: { topic: string; partition: number; record: StoredRecord }[]): Promise<Produced> {
    if (down) {
      stats.rejected += items.length;
      return { kind: "down" };
    }
    const metadata: Metadata[] = new Array(items.length);
    // One append per partition keeps a batch's records contiguous and in request order.
    const byPartition = new Map<string, number[]>();
    items.forEach((item, i) => {
      const key = `${item.topic}:${item.partition}`;
      const indices = byPartition.get(key) ?? [];
      indices.push(i);
      byPartition.set(key, indices);
    });
    for (const indices of byPartition.values()) {
      const { topic, partition } = items[indices[0]!]!;
      const offsets = await log.append(topic, partition, indices.map((i) => items[i]!.record));
      indices.forEach((i, n) => {
        metadata[i] = { topic, partition, offset: offsets[n]!, timestamp: items[i]!.record.timestamp };
      });
      arrivals.notify(topic);
    }
    stats.produced += items.length;
    return { kind: "produced", metadata };
  }

  async function route(req: IncomingMessage, url: URL, segments: string[], body: unknown): Promise<Reply> {
    const [head, a, b, c] = segments;
    const method = req.method ?? "GET";

    if (head === "kafka") return confluentProduce(segments, body);
    if (head === "produce") {
      if (method === "GET" && a !== undefined && b !== undefined) {
        const message = { value: b, ...(url.searchParams.has("key") ? { key: url.searchParams.get("key")! } : {}) };
        const reply = await upstashProduce([message], a);
        return reply.status === 200 ? { status: 200, body: (reply.body as Metadata[])[0] } : reply;
      }
      const parsed = upstashProduceBody(body);
      if (!parsed.success) return upstashError(400, describe(parsed.error));
      return upstashProduce(parsed.data, a);
    }
    if (head === "consume" && a && b) {
      const request = c !== undefined ? { topic: c, timeout: numberParam(url, "timeout") } : body;
      const parsed = ConsumeBody.safeParse(request ?? {});
      if (!parsed.success) return upstashError(400, describe(parsed.error));
      const topics = parsed.data.topics ?? [parsed.data.topic!];
      const result = await groups.consume(a, b, topics, parsed.data.timeout ?? DEFAULT_TIMEOUT_MS, consumerConfig(req));
      if (result.kind === "no_offset") {
        return upstashError(400, `no committed offset for ${result.tp.topic}/${result.tp.partition} and auto offset reset is none`);
      }
      return { status: 200, body: result.records.map(toMessage) };
    }
    if (head === "commit" && a && b) {
      const parsed = CommitBody.safeParse(body);
      if (!parsed.success) return upstashError(400, describe(parsed.error));
      await groups.commit(a, b, parsed.data === undefined ? [] : [parsed.data].flat());
      return { status: 200, body: { result: "Success", status: 200 } };
    }
    if (head === "committed" && a && b) {
      const parsed = TopicPartitionList.safeParse(body ?? []);
      if (!parsed.success) return upstashError(400, describe(parsed.error));
      const offsets = await Promise.all(parsed.data.map(async (tp) => ({ ...tp, offset: (await log.committed(a, tp)) ?? -1 })));
      return { status: 200, body: offsets };
    }
    if (head === "fetch") {
      const parsed = FetchBody.safeParse(body ?? {});
      if (!parsed.success) return upstashError(400, describe(parsed.error));
      const { topic, partition, offset, topicPartitionOffsets = [], timeout = DEFAULT_TIMEOUT_MS } = parsed.data;
      const wanted = [...topicPartitionOffsets, ...(topic !== undefined ? [{ topic, partition: partition!, offset: offset! }] : [])];
      const read = async () => (await Promise.all(wanted.map((w) => log.read(w, w.offset, 500)))).flat();
      let records = await read();
      if (records.length === 0) {
        await arrivals.wait([...new Set(wanted.map((w) => w.topic))], timeout);
        records = await read();
      }
      return { status: 200, body: records.map(toMessage) };
    }
    if (head === "topics" && a === undefined) return { status: 200, body: await log.topics() };
    if (head === "consumers" && a === undefined) return { status: 200, body: await groups.assignments() };
    if (head === "delete-consumer" && a && b) {
      return groups.remove(a, b)
        ? { status: 200, body: { result: "Success", status: 200 } }
        : upstashError(404, `consumer instance ${a}/${b} not found`);
    }
    if (head === "offsets" && a) {
      const parsed = TopicPartitionList.safeParse(body ?? []);
      if (!parsed.success) return upstashError(400, describe(parsed.error));
      return { status: 200, body: await Promise.all(parsed.data.map(async (tp) => ({ ...tp, offset: await offsetAt(tp, a) }))) };
    }
    return upstashError(404, `no such endpoint: ${method} ${url.pathname}`);
  }

  async function upstashProduce(messages: UpstashMessage[], pathTopic: string | undefined): Promise<Reply> {
    const items: { topic: string; partition: number; record: StoredRecord }[] = [];
    for (const m of messages) {
      const topic = TopicName.safeParse(pathTopic ?? m.topic);
      if (!topic.success) return upstashError(400, pathTopic === undefined && m.topic === undefined ? "every message needs a `topic`" : describe(topic.error));
      items.push({
        topic: topic.data,
        partition: m.partition ?? 0,
        record: { key: m.key ?? "", value: m.value, timestamp: m.timestamp ?? Date.now(), headers: m.headers ?? [] },
      });
    }
    const produced = await produce(items);
    return produced.kind === "down" ? upstashError(503, DOWN_MESSAGE) : { status: 200, body: produced.metadata };
  }

  async function confluentProduce(segments: string[], body: unknown): Promise<Reply> {
    const [, version, clusters, clusterId, topics, topicName, records, ...rest] = segments;
    if (version !== "v3" || clusters !== "clusters" || !clusterId || topics !== "topics" || !topicName || records !== "records" || rest.length > 0) {
      return confluentError(404, "only POST /kafka/v3/clusters/<cluster_id>/topics/<topic>/records is served");
    }
    const topic = TopicName.safeParse(topicName);
    if (!topic.success) return confluentError(400, describe(topic.error));
    const parsed = ConfluentRecord.safeParse(body ?? {});
    if (!parsed.success) return confluentError(400, describe(parsed.error));
    const key = serialise(parsed.data.key);
    const value = serialise(parsed.data.value);
    if (key.kind === "invalid") return confluentError(400, `key: ${key.message}`);
    if (value.kind === "invalid") return confluentError(400, `value: ${value.message}`);
    const stored = toStoredRecord(parsed.data, key.text, value.text);
    if (stored.kind === "invalid") return confluentError(400, stored.message);
    const produced = await produce([{ topic: topic.data, partition: parsed.data.partition_id ?? 0, record: stored.record }]);
    if (produced.kind === "down") return confluentError(503, DOWN_MESSAGE);
    const [meta] = produced.metadata;
    return {
      status: 200,
      body: {
        error_code: 200,
        cluster_id: clusterId,
        topic_name: meta!.topic,
        partition_id: meta!.partition,
        offset: meta!.offset,
        timestamp: new Date(meta!.timestamp).toISOString(),
        ...(parsed.data.key ? { key: { type: key.type, size: key.size } } : {}),
        ...(parsed.data.value ? { value: { type: value.type, size: value.size } } : {}),
      },
    };
  }

  async function offsetAt(tp: { topic: string; partition: number }, when: string): Promise<number> {
    if (when === "earliest") return 0;
    const end = await log.endOffset(tp);
    if (when === "latest") return end;
    const since = Number(when);
    for (let offset = 0; offset < end; offset += 500) {
      const hit = (await log.read(tp, offset, 500)).find((r) => r.timestamp >= since);
      if (hit) return hit.offset;
    }
    return end;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${String(error)}`, status: 500 });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const segments = url.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
    const confluent = segments[0] === "kafka";
    const bytes = await readBody(req);
    if (bytes.kind === "too_large") return sendJson(res, 413, { error: "request body too large", status: 413 });
    const json = parseJson(bytes.bytes);

    if (segments[0] === "__stats" || segments[0] === "__fault") {
      if (!fromLoopback(req)) return sendJson(res, 403, { error: "Forbidden", status: 403 });
      if (segments[0] === "__fault") {
        const wanted = json.kind === "json" && typeof (json.value as { down?: unknown })?.down === "boolean";
        if (req.method !== "POST" || !wanted) return sendJson(res, 400, { error: 'POST {"down": true|false}', status: 400 });
        down = (json.value as { down: boolean }).down;
      } else if (segments[1] === "reset" && req.method === "POST") {
        stats = emptyStats();
      }
      return sendJson(res, 200, { ...snapshot(stats), down });
    }

    stats.requests += 1;
    const routeKey = confluent ? "/kafka/v3" : `/${segments[0] ?? ""}`;
    stats.byPath[routeKey] = (stats.byPath[routeKey] ?? 0) + 1;

    if (!safeEqual(req.headers.authorization ?? "", expectedAuth)) {
      const reply = confluent ? confluentError(401, "Unauthorized") : upstashError(401, "Unauthorized");
      res.setHeader("www-authenticate", 'Basic realm="kafka"');
      return sendJson(res, reply.status, reply.body);
    }
    if (json.kind === "invalid") {
      const reply = confluent ? confluentError(400, `malformed JSON: ${json.message}`) : upstashError(400, `malformed JSON: ${json.message}`);
      return sendJson(res, reply.status, reply.body);
    }
    const reply = await route(req, url, segments, json.kind === "json" ? json.value : undefined);
    sendJson(res, reply.status, reply.body);
  }

  const port = await listenLoopback(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    username: options.username,
    password: options.password,
    storage: log.kind,
    setDown(value) {
      down = value;
    },
    stats: () => ({ ...snapshot(stats), down }),
    resetStats() {
      stats = emptyStats();
    },
    async close() {
      await closeServer(server);
      await log.close();
    },
  };
}

function consumerConfig(req: IncomingMessage): ConsumerConfig {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const reset = header("kafka-auto-offset-reset");
  const interval = Number(header("kafka-auto-commit-interval"));
  return {
    autoCommit: header("kafka-enable-auto-commit") !== "false",
    autoCommitIntervalMs: Number.isFinite(interval) && interval >= 0 ? interval : 5_000,
    autoOffsetReset: reset === "earliest" || reset === "none" ? (reset as AutoOffsetReset) : "latest",
  };
}

function toMessage(r: LoggedRecord) {
  return { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers };
}

function numberParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  return raw === null ? undefined : Number(raw);
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
}

function emptyStats(): Omit<KafkaRestStats, "down"> {
  return { requests: 0, produced: 0, rejected: 0, byPath: {} };
}

function snapshot(stats: Omit<KafkaRestStats, "down">): Omit<KafkaRestStats, "down"> {
  return { ...stats, byPath: { ...stats.byPath } };
}
