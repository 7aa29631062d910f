import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Kafka } from "@upstash/kafka";
import { inject } from "vitest";
import { createApp } from "../../../src/app";
import { AlertSchema, type Alert } from "../../../src/alerts/alert";
import { TEST_SECRET_KEY } from "../auth/keys";
import { BASE, bearer } from "../helpers";

/**
 * The local Kafka REST endpoint (scripts/local/kafka, started by global-setup.ts) seen from inside workerd:
 * hosted Kafka REST has no local equivalent, so this stand-in speaks its wire format over a real topic log.
 */
export const kafkaEnv = () => ({
  UPSTASH_KAFKA_REST_URL: inject("kafkaRestUrl"),
  UPSTASH_KAFKA_REST_USERNAME: inject("kafkaRestUsername"),
  UPSTASH_KAFKA_REST_PASSWORD: inject("kafkaRestPassword"),
});

export const kafka = () => new Kafka({ url: inject("kafkaRestUrl"), username: inject("kafkaRestUsername"), password: inject("kafkaRestPassword") });

let topics = 0;
/** A topic of its own for each test, so what one test produced never shows up in another's. */
export const freshTopic = (name: string) => `alerts-${name}-${Date.now().toString(36)}-${++topics}`;

export interface Consumed {
  key: string;
  alert: Alert;
  headers: Record<string, string>;
}

/** Everything on partition 0 of `topic`, parsed as alerts (the stand-in puts records without a partition there). */
export async function readTopic(topic: string): Promise<Consumed[]> {
  return (await topicValues<unknown>(topic)).map((v) => ({ key: v.key, alert: AlertSchema.parse(v.value), headers: v.headers }));
}

export interface TopicValue<T> {
  value: T;
  key: string;
  headers: Record<string, string>;
  raw: string;
}

/** Everything on partition 0 of `topic` (where the sinks produce), oldest first. */
export async function topicValues<T>(topic: string): Promise<TopicValue<T>[]> {
  const consumer = kafka().consumer();
  const out: TopicValue<T>[] = [];
  for (;;) {
    const batch = await consumer.fetch({ topic, partition: 0, offset: out.length, timeout: 50 });
    if (batch.length === 0) return out;
    for (const m of batch) out.push({ value: JSON.parse(m.value) as T, key: m.key, headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value])), raw: m.value });
  }
}

/** Turns the local Kafka REST endpoint's produce path off (503) or back on. */
export async function setKafkaDown(down: boolean): Promise<void> {
  const res = await fetch(`${inject("kafkaRestUrl")}/__fault`, { method: "POST", body: JSON.stringify({ down }) });
  if (!res.ok) throw new Error(`__fault answered ${res.status}`);
  await res.body?.cancel();
}

/**
 * A fresh app over the test Worker's bindings plus `bindings`. Its requests share one env object — so one set of
 * services, as in an isolate — and each waits for its `waitUntil` work (the alert delivery) before returning.
 */
export function appWith(bindings: Record<string, unknown>): (path: string, init?: RequestInit) => Promise<Response> {
  const app = createApp();
  const bound = { ...env, ...bindings };
  return async (path, init) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, init), bound, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

export const requestWith = (bindings: Record<string, unknown>, path: string, init?: RequestInit) => appWith(bindings)(path, init);

export const postInit = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...bearer(TEST_SECRET_KEY) },
  body: JSON.stringify(body),
});
