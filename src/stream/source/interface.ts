import type { Ping } from "../../schemas/health";

/** One record of the transactions topic, as a Kafka REST endpoint hands it out. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: number;
  /** The record's timestamp (ms): what the broker stored with it. */
  timestamp: number;
  key: string;
  value: string;
  headers: { key: string; value: string }[];
}

/** Where a partition stands: the next offset to read (a committed offset is always "the next one"). */
export interface Position {
  partition: number;
  offset: number;
}

/**
 * The transactions topic as the stream consumer reads it (docs/streams.md). Offsets are the consumer group's
 * committed ones, read at the start of every pass and written only after the pass has produced its answers: the
 * source holds no position of its own between calls, so a consumer killed at any point starts again from what it
 * committed — at least once, never past an answer that was not produced.
 *
 * Implementations: upstash.ts (the Upstash Kafka REST protocol, through @upstash/kafka; the local stand-in speaks
 * it too). Confluent REST v3 has no consume API (docs/streams.md).
 */
export interface TopicSource {
  readonly kind: "upstash" | "confluent";
  readonly topic: string;
  /** Every partition of the topic with the group's committed position, or `start` where it has none. */
  positions(): Promise<Position[]>;
  /** The next offset each partition will be written at (the end of the log): lag = end - position. */
  ends(partitions: readonly number[]): Promise<Position[]>;
  /** Up to `max` records from the positions on, each partition's in offset order; waits up to `timeoutMs` for one. */
  fetch(from: readonly Position[], max: number, timeoutMs: number): Promise<SourceRecord[]>;
  /** Commits each partition's next offset for the group. */
  commit(next: readonly Position[]): Promise<void>;
  ping(timeoutMs: number): Promise<Ping>;
}
