import type { Ping } from "../../schemas/health";
import type { Alert } from "../alert";
import { SinkError, type AlertSink, type TopicRecord } from "./interface";

/**
 * Alerts kept in this isolate, in produce order (ALERT_SINK=memory: tests, `npm run dev` without a Kafka REST
 * endpoint). `setDown(true)` makes it refuse like a broker that is unreachable, so delivery, spill and replay can
 * be exercised without a network.
 */
export class MemoryAlertSink implements AlertSink {
  readonly kind = "memory" as const;
  private readonly produced: Alert[] = [];
  private readonly producedRecords: TopicRecord[] = [];
  private down = false;

  constructor(
    readonly topic: string,
    private readonly max = 10_000,
  ) {}

  async produce(alerts: Alert[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new SinkError("timeout", "alert delivery budget spent");
    if (this.down) throw new SinkError("unavailable", "memory sink is down");
    this.produced.push(...alerts);
    if (this.produced.length > this.max) this.produced.splice(0, this.produced.length - this.max);
  }

  async produceRecords(records: TopicRecord[], signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new SinkError("timeout", "delivery budget spent");
    if (this.down) throw new SinkError("unavailable", "memory sink is down");
    this.producedRecords.push(...records);
    if (this.producedRecords.length > this.max) this.producedRecords.splice(0, this.producedRecords.length - this.max);
  }

  /** Records produced with produceRecords (the decision log, labels), oldest first. */
  topicRecords(): readonly TopicRecord[] {
    return this.producedRecords;
  }

  async ping(): Promise<Ping> {
    return this.down ? { status: "down", detail: "memory sink is down" } : { status: "ok", latency_ms: 0 };
  }

  setDown(down: boolean): void {
    this.down = down;
  }

  /** What the topic holds, oldest first. */
  records(): readonly Alert[] {
    return this.produced;
  }
}
