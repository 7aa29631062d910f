import type { Arrivals } from "./arrivals";
import type { LoggedRecord, TopicLog, TopicPartition } from "./topic-log";

export type AutoOffsetReset = "earliest" | "latest" | "none";

/** Set by the first consume of an instance (the Kafka-* request headers), as on Upstash. */
export interface ConsumerConfig {
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  autoOffsetReset: AutoOffsetReset;
}

export type ConsumeResult =
  | { kind: "records"; records: LoggedRecord[] }
  | { kind: "no_offset"; tp: TopicPartition };

interface Instance {
  config: ConsumerConfig;
  topics: string[];
  /** Next offset to hand out, per "topic:partition". */
  positions: Map<string, number>;
  lastAutoCommit: number;
}

/** Kafka's max.poll.records default. */
const MAX_RECORDS_PER_POLL = 500;
const tpKey = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;

/**
 * Consumer-group instances as the Upstash REST proxy keeps them: one server-side consumer per
 * (group, instance) with its own read positions; committed offsets are per group and live in the TopicLog.
 * Simplification: there is no partition assignment or rebalancing — every instance of a group reads every
 * partition of its topics, so run one instance per group (which is what the tail CLI and tests do).
 */
export class ConsumerGroups {
  private readonly groups = new Map<string, Map<string, Instance>>();

  constructor(
    private readonly log: TopicLog,
    private readonly arrivals: Arrivals,
  ) {}

  async consume(group: string, instanceId: string, topics: string[], timeoutMs: number, config: ConsumerConfig): Promise<ConsumeResult> {
    const instance = this.instance(group, instanceId, config);
    instance.topics = topics;
    if (instance.config.autoCommit && Date.now() - instance.lastAutoCommit >= instance.config.autoCommitIntervalMs) {
      // Like Kafka's poll(): auto-commit covers what earlier polls returned, never what this one is about to.
      await this.commitPositions(group, instance);
    }
    const first = await this.poll(group, instance);
    if (first.kind === "no_offset" || first.records.length > 0) return first;
    await this.arrivals.wait(topics, timeoutMs);
    return this.poll(group, instance);
  }

  /** Commits the given offsets, or (none given) every position this instance has reached. */
  async commit(group: string, instanceId: string, offsets: (TopicPartition & { offset: number })[]): Promise<void> {
    if (offsets.length > 0) return this.log.commit(group, offsets);
    const instance = this.groups.get(group)?.get(instanceId);
    if (instance) await this.commitPositions(group, instance);
  }

  remove(group: string, instanceId: string): boolean {
    return this.groups.get(group)?.delete(instanceId) ?? false;
  }

  async assignments(): Promise<{ name: string; instances: { name: string; topics: { topic: string; partitions: number[] }[] }[] }[]> {
    const partitions = await this.log.topics();
    return [...this.groups].map(([name, instances]) => ({
      name,
      instances: [...instances].map(([instanceName, instance]) => ({
        name: instanceName,
        topics: instance.topics.map((topic) => ({ topic, partitions: range(partitions[topic] ?? 1) })),
      })),
    }));
  }

  private instance(group: string, instanceId: string, config: ConsumerConfig): Instance {
    const instances = this.groups.get(group) ?? new Map<string, Instance>();
    this.groups.set(group, instances);
    let instance = instances.get(instanceId);
    if (!instance) {
      instance = { config, topics: [], positions: new Map(), lastAutoCommit: Date.now() };
      instances.set(instanceId, instance);
    }
    return instance;
  }

  private async poll(group: string, instance: Instance): Promise<ConsumeResult> {
    const partitions = await this.log.topics();
    const records: LoggedRecord[] = [];
    for (const topic of instance.topics) {
      for (const partition of range(partitions[topic] ?? 1)) {
        const tp = { topic, partition };
        const position = await this.position(group, instance, tp);
        if (position === undefined) return { kind: "no_offset", tp };
        if (records.length >= MAX_RECORDS_PER_POLL) continue;
        const batch = await this.log.read(tp, position, MAX_RECORDS_PER_POLL - records.length);
        records.push(...batch);
        instance.positions.set(tpKey(tp), position + batch.length);
      }
    }
    return { kind: "records", records };
  }

  private async position(group: string, instance: Instance, tp: TopicPartition): Promise<number | undefined> {
    const known = instance.positions.get(tpKey(tp)) ?? (await this.log.committed(group, tp));
    if (known !== undefined) return known;
    switch (instance.config.autoOffsetReset) {
      case "earliest":
        return 0;
      case "latest":
        return this.log.endOffset(tp);
      case "none":
        return undefined;
    }
  }

  private async commitPositions(group: string, instance: Instance): Promise<void> {
    instance.lastAutoCommit = Date.now();
    const offsets = [...instance.positions].map(([key, offset]) => {
      const cut = key.lastIndexOf(":");
      return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset };
    });
    await this.log.commit(group, offsets);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
