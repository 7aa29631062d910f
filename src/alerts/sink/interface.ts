import type { Ping } from "../../schemas/health";
import type { Alert, TopicRecord } from "../alert";

export type { TopicRecord };

/**
 * Where alerts go — and, with another topic, the decision log and the labels (docs/feedback.md): a Kafka topic
 * behind an HTTP API. Implementations side by side (upstash-kafka.ts,
 * confluent-v3.ts, and memory.ts for tests and BACKENDS=memory) retry transient failures with backoff until `signal` aborts, then throw; the caller
 * (deliver.ts) owns the overall budget and what happens next (the spill).
 */
export interface AlertSink {
  readonly kind: "upstash" | "confluent" | "memory";
  readonly topic: string;
  /** Produces every alert or throws a SinkError. Resolves only when the topic has acknowledged all of them. */
  produce(alerts: Alert[], signal: AbortSignal): Promise<void>;
  /** The same for records of any kind (the decision log, the labels). */
  produceRecords(records: TopicRecord[], signal: AbortSignal): Promise<void>;
  /** Whether the endpoint answers and accepts our credentials, within `timeoutMs`. Does not produce. */
  ping(timeoutMs: number): Promise<Ping>;
}

export type SinkErrorCode =
  /** The endpoint could not be reached or answered 5xx / 429. Worth retrying. */
  | "unavailable"
  /** Our budget ran out before the topic acknowledged. */
  | "timeout"
  /** 401 / 403: retrying will not help until the credentials are fixed. */
  | "unauthorized"
  /** Any other 4xx, or an answer that is not an acknowledgement. */
  | "rejected";

export class SinkError extends Error {
  constructor(
    readonly code: SinkErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "SinkError";
  }

  get retryable(): boolean {
    return this.code === "unavailable";
  }
}

export function sinkErrorFromStatus(status: number, message: string): SinkError {
  if (status === 401 || status === 403) return new SinkError("unauthorized", message, status);
  if (status === 408 || status === 429 || status >= 500) return new SinkError("unavailable", message, status);
  return new SinkError("rejected", message, status);
}

/** Rejects with a `timeout` SinkError as soon as `signal` aborts, whatever `work` is still doing. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new SinkError("timeout", "alert delivery budget spent"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new SinkError("timeout", "alert delivery budget spent"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
