import { toRecord, type Alert } from "../alert";
import type { Ping } from "../../schemas/health";
import { msSince } from "../../utils/round";
import { withBackoff } from "./retry";
import { SinkError, sinkErrorFromStatus, type AlertSink, type TopicRecord } from "./interface";

export interface ConfluentV3Options {
  /** REST endpoint of the cluster, e.g. https://pkc-xxxxx.us-east-1.aws.confluent.cloud:443 */
  url: string;
  clusterId: string;
  apiKey: string;
  apiSecret: string;
  topic: string;
}

/** Each try of one record; the overall budget comes from the caller's signal. */
const ATTEMPT_TIMEOUT_MS = 5_000;
/** Below the 6 connections a Worker invocation may hold open at once. */
const CONCURRENCY = 4;

/**
 * Alerts over Confluent REST v3 (Confluent Cloud, Confluent REST Proxy):
 * `POST /kafka/v3/clusters/<cluster>/topics/<topic>/records`, one record per request, Basic auth with an API
 * key. Key = merchant id (STRING), value = the alert (JSON), header `alert_id` (base64, as v3 requires).
 * Transient failures (network, 408, 429, 5xx) are retried with jittered exponential backoff until `signal` aborts.
 */
export class ConfluentV3Sink implements AlertSink {
  readonly kind = "confluent" as const;
  readonly topic: string;
  private readonly recordsUrl: string;
  private readonly clusterUrl: string;
  private readonly authorization: string;

  constructor(opts: ConfluentV3Options) {
    this.topic = opts.topic;
    const base = opts.url.replace(/\/$/, "");
    this.clusterUrl = `${base}/kafka/v3/clusters/${encodeURIComponent(opts.clusterId)}`;
    this.recordsUrl = `${this.clusterUrl}/topics/${encodeURIComponent(opts.topic)}/records`;
    this.authorization = `Basic ${btoa(`${opts.apiKey}:${opts.apiSecret}`)}`;
  }

  async produce(alerts: Alert[], signal: AbortSignal): Promise<void> {
    await this.produceRecords(alerts.map(toRecord), signal);
  }

  async produceRecords(records: TopicRecord[], signal: AbortSignal): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const record = records[next++]!;
        await withBackoff(() => this.produceOne(record, signal), { signal, baseDelayMs: 250, maxDelayMs: 4_000 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, records.length) }, worker));
  }

  private async produceOne(record: TopicRecord, signal: AbortSignal): Promise<void> {
    const body = {
      key: { type: "STRING", data: record.key },
      value: { type: "JSON", data: JSON.parse(record.value) as unknown },
      // v3 header values are base64 of the header's bytes: UTF-8 (a transaction id may hold any character).
      headers: record.headers.map((h) => ({ name: h.key, value: base64Utf8(h.value) })),
    };
    let res: Response;
    try {
      res = await fetch(this.recordsUrl, {
        method: "POST",
        headers: { authorization: this.authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
    } catch (e) {
      throw new SinkError("unavailable", `Confluent REST unreachable: ${e instanceof Error ? e.message : String(e)}`);
    }
    const text = await res.text();
    const ack = parseAck(text);
    if (!res.ok) throw sinkErrorFromStatus(res.status, `Confluent REST: ${ack?.message ?? text.slice(0, 200)} (${res.status})`);
    // v3 reports a per-record failure in the body of a 200 when records are streamed; check it regardless.
    if (ack?.error_code !== 200) {
      const code = typeof ack?.error_code === "number" ? ack.error_code : 0;
      throw sinkErrorFromStatus(code >= 400 ? code : 502, `Confluent REST did not acknowledge: ${text.slice(0, 200)}`);
    }
  }

  async ping(timeoutMs: number): Promise<Ping> {
    const started = performance.now();
    try {
      const res = await fetch(this.clusterUrl, { headers: { authorization: this.authorization }, signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      // The local stand-in serves only the records route: any answer but an auth refusal or 5xx means reachable.
      if (res.status === 401 || res.status === 403 || res.status >= 500) return { status: "down", detail: `GET cluster answered ${res.status}` };
      return { status: "ok", latency_ms: msSince(started) };
    } catch (e) {
      return { status: "down", detail: e instanceof Error ? e.message : String(e) };
    }
  }
}

function parseAck(text: string): { error_code?: unknown; message?: string } | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as { error_code?: unknown; message?: string }) : undefined;
  } catch {
    return undefined;
  }
}

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
