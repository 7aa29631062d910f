import { selectedSink, type Config } from "../../config";
import { ConfluentV3Sink } from "./confluent-v3";
import type { AlertSink } from "./interface";
import { MemoryAlertSink } from "./memory";
import { UpstashKafkaSink } from "./upstash-kafka";

/**
 * The alert sink the configuration names. A sink that is selected but incompletely configured is reported
 * (health shows it) rather than thrown: scoring must not fail because alerting is misconfigured.
 */
export type SinkChoice =
  | { kind: "sink"; sink: AlertSink }
  | { kind: "none"; detail: string }
  | { kind: "misconfigured"; detail: string };

type AlertConfig = Pick<
  Config,
  | "ALERT_SINK"
  | "ALERT_TOPIC"
  | "UPSTASH_KAFKA_REST_URL"
  | "UPSTASH_KAFKA_REST_USERNAME"
  | "UPSTASH_KAFKA_REST_PASSWORD"
  | "CONFLUENT_REST_URL"
  | "CONFLUENT_CLUSTER_ID"
  | "CONFLUENT_API_KEY"
  | "CONFLUENT_API_SECRET"
>;

export function alertSinkFrom(config: AlertConfig): SinkChoice {
  const selected = selectedSink(config);
  const topic = config.ALERT_TOPIC;
  switch (selected) {
    case "none":
      return { kind: "none", detail: "alerts off (ALERT_SINK=none, or no Kafka REST endpoint configured)" };
    case "memory":
      return { kind: "sink", sink: new MemoryAlertSink(topic) };
    case "upstash": {
      const { UPSTASH_KAFKA_REST_URL: url, UPSTASH_KAFKA_REST_USERNAME: username, UPSTASH_KAFKA_REST_PASSWORD: password } = config;
      if (!url || !username || !password) {
        return { kind: "misconfigured", detail: "ALERT_SINK=upstash needs UPSTASH_KAFKA_REST_URL, _USERNAME and _PASSWORD" };
      }
      return { kind: "sink", sink: new UpstashKafkaSink({ url, username, password, topic }) };
    }
    case "confluent": {
      const { CONFLUENT_REST_URL: url, CONFLUENT_CLUSTER_ID: clusterId, CONFLUENT_API_KEY: apiKey, CONFLUENT_API_SECRET: apiSecret } = config;
      if (!url || !clusterId || !apiKey || !apiSecret) {
        return {
          kind: "misconfigured",
          detail: "ALERT_SINK=confluent needs CONFLUENT_REST_URL, CONFLUENT_CLUSTER_ID, CONFLUENT_API_KEY and CONFLUENT_API_SECRET",
        };
      }
      return { kind: "sink", sink: new ConfluentV3Sink({ url, clusterId, apiKey, apiSecret, topic }) };
    }
  }
}
