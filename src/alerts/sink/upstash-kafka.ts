import { Kafka, UpstashError, type Producer } from "@upstash/kafka";
import { toRecord, type Alert } from "../alert";
import { SinkError, sinkErrorFromStatus, untilAborted, type AlertSink, type TopicRecord } from "./interface";
import type { Ping } from "../../schemas/health";
import { msSince } from "../../utils/round";

export interface UpstashKafkaOptions {
  url: string;
  username: string;
  password: string;
  topic: string;
}

/**
 * Alerts over the Upstash Kafka REST protocol with `@upstash/kafka`: every batch is one `POST /produce`.
 *
 * The client retries each call itself — 5 retries, waiting 0.5, 1, 2, 4, 8 s (15.5 s in all) — and takes no
 * timeout or signal, so that schedule is this sink's backoff and `signal` is what bounds it: on abort we stop
 * waiting and report `timeout`. The client's loop may still land the batch afterwards (until the runtime ends
 * the invocation); the alert is then both spilled and delivered, which consumers absorb by deduplicating on
 * `alert_id`.
 *
 * Upstash retired its Kafka service in March 2025; this sink serves the protocol's other speakers (the local
 * stack, self-hosted proxies). Confluent Cloud goes through confluent-v3-sink.ts.
 */
export class UpstashKafkaSink implements AlertSink {
  readonly kind = "upstash" as const;
  readonly topic: string;
  private readonly producer: Producer;
  private readonly url: string;
  private readonly authorization: string;

  constructor(opts: UpstashKafkaOptions) {
    this.topic = opts.topic;
    this.url = opts.url.replace(/\/$/, "");
    this.authorization = `Basic ${btoa(`${opts.username}:${opts.password}`)}`;
    this.producer = new Kafka({ url: opts.url, username: opts.username, password: opts.password }).producer();
  }

  async produce(alerts: Alert[], signal: AbortSignal): Promise<void> {
    await this.produceRecords(alerts.map(toRecord), signal);
  }

  async produceRecords(records: TopicRecord[], signal: AbortSignal): Promise<void> {
    if (records.length === 0) return;
    const requests = records.map((r) => ({ topic: this.topic, ...r }));
    try {
      const acks = await untilAborted(this.producer.produceMany(requests), signal);
      if (!Array.isArray(acks) || acks.length !== records.length) {
        throw new SinkError("rejected", `expected ${records.length} acknowledgements, got ${JSON.stringify(acks).slice(0, 200)}`);
      }
    } catch (e) {
      throw toSinkError(e);
    }
  }

  /**
   * `GET /topics` by hand rather than through the client: its 15 s retry schedule is right for an alert and
   * wrong for a health probe.
   */
  async ping(timeoutMs: number): Promise<Ping> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.url}/topics`, { headers: { authorization: this.authorization }, signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      if (!res.ok) return { status: "down", detail: `GET /topics answered ${res.status}` };
      return { status: "ok", latency_ms: msSince(started) };
    } catch (e) {
      return { status: "down", detail: e instanceof Error ? e.message : String(e) };
    }
  }
}

function toSinkError(e: unknown): SinkError {
  if (e instanceof SinkError) return e;
  if (e instanceof UpstashError) return sinkErrorFromStatus(e.status, `Kafka REST: ${e.message} (${e.status})`);
  return new SinkError("unavailable", `Kafka REST unreachable: ${e instanceof Error ? e.message : String(e)}`);
}
