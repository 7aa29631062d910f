import { Kafka } from "@upstash/kafka";
import type { Ping } from "../../schemas/health";
import { msSince } from "../../utils/round";
import type { Position, SourceRecord, TopicSource } from "./interface";

export interface UpstashSourceOptions {
  url: string;
  username: string;
  password: string;
  topic: string;
  group: string;
  start: "earliest" | "latest";
}

/**
 * The topic over the Upstash Kafka REST protocol. It reads with the Fetch API (explicit offsets) and keeps the
 * group's offsets with Commit / Committed, never with Consume: a consume instance lives on the REST server and its
 * position moves past what it handed out, so a consumer that died mid-batch would lose that batch on restart.
 * The instance id only names whose commits they are.
 */
export class UpstashTopicSource implements TopicSource {
  readonly kind = "upstash" as const;
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly group: string;
  private readonly start: "earliest" | "latest";
  private readonly instanceId = "stream-scorer";

  constructor(private readonly opts: UpstashSourceOptions) {
    this.topic = opts.topic;
    this.group = opts.group;
    this.start = opts.start;
    this.kafka = new Kafka({ url: opts.url, username: opts.username, password: opts.password });
  }

  async positions(): Promise<Position[]> {
    const topics = await this.kafka.admin().topics();
    const count = Math.max(1, topics[this.topic] ?? 1);
    const topicPartitions = Array.from({ length: count }, (_, partition) => ({ topic: this.topic, partition }));
    const committed = await this.kafka.consumer().committed({ consumerGroupId: this.group, instanceId: this.instanceId, topicPartitions });
    const missing = topicPartitions.filter((tp) => !((committed.find((c) => c.partition === tp.partition)?.offset ?? -1) >= 0));
    if (missing.length === 0) return committed.map((c) => ({ partition: c.partition, offset: c.offset }));
    const starts = await this.kafka.admin().topicPartitionOffsets({ topicPartitions: missing, timestamp: this.start });
    const positions = topicPartitions.map(({ partition }) => {
      const c = committed.find((x) => x.partition === partition)?.offset ?? -1;
      return { partition, offset: c >= 0 ? c : (starts.find((s) => s.partition === partition)?.offset ?? 0) };
    });
    // Committed at once: a `latest` start looked up again by every pass would skip what arrived in between.
    await this.commit(positions.filter((p) => missing.some((m) => m.partition === p.partition)));
    return positions;
  }

  async ends(partitions: readonly number[]): Promise<Position[]> {
    if (partitions.length === 0) return [];
    const ends = await this.kafka.admin().topicPartitionOffsets({ topicPartitions: partitions.map((partition) => ({ topic: this.topic, partition })), timestamp: "latest" });
    return ends.map((e) => ({ partition: e.partition, offset: e.offset }));
  }

  async fetch(from: readonly Position[], max: number, timeoutMs: number): Promise<SourceRecord[]> {
    if (from.length === 0) return [];
    // One request for every partition (the client's default is one per partition, each waiting out `timeout`
    // when its partition is quiet — a batch would then wait for the quietest). One topic, so nothing is lost by it.
    const messages = await this.kafka.consumer().fetch(
      { topicPartitionOffsets: from.map((p) => ({ topic: this.topic, partition: p.partition, offset: p.offset })), timeout: timeoutMs },
      { parallel: false },
    );
    // A record without a key or headers (another producer, an older REST server) is still a record.
    return takeInOrder(messages.map((m) => ({ ...m, key: m.key ?? "", headers: m.headers ?? [] })), from, max);
  }

  async commit(next: readonly Position[]): Promise<void> {
    if (next.length === 0) return;
    await this.kafka.consumer().commit({
      consumerGroupId: this.group,
      instanceId: this.instanceId,
      offset: next.map((p) => ({ topic: this.topic, partition: p.partition, offset: p.offset })),
    });
  }

  async ping(timeoutMs: number): Promise<Ping> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.opts.url.replace(/\/$/, "")}/topics`, {
        headers: { authorization: `Basic ${btoa(`${this.opts.username}:${this.opts.password}`)}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.ok ? { status: "ok", latency_ms: msSince(started) } : { status: "down", detail: `GET /topics answered ${res.status}` };
    } catch (e) {
      return { status: "down", detail: e instanceof Error ? e.message : String(e) };
    }
  }
}

/**
 * The fetched records a batch takes: per partition, those from its position on in offset order (Kafka's offsets
 * may have gaps: transaction markers, compaction), then at most `max` of them, taken round-robin so no partition
 * starves another. Each partition's share is a prefix of its run, so committing past its last is committing past
 * nothing unread.
 */
export function takeInOrder(messages: readonly SourceRecord[], from: readonly Position[], max: number): SourceRecord[] {
  const runs = from.map((p) => {
    const seen = new Set<number>();
    return messages
      .filter((m) => m.partition === p.partition && m.offset >= p.offset && !seen.has(m.offset) && seen.add(m.offset))
      .sort((a, b) => a.offset - b.offset);
  });
  const out: SourceRecord[] = [];
  for (let i = 0; out.length < max && runs.some((r) => r.length > i); i++) {
    for (const r of runs) if (r[i] && out.length < max) out.push(r[i]!);
  }
  return out;
}
