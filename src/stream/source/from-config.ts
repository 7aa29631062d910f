import { selectedSink, type Config } from "../../config";
import type { TopicSource } from "./interface";
import { UpstashTopicSource } from "./upstash";

export type SourceChoice = { kind: "source"; source: TopicSource } | { kind: "none"; detail: string } | { kind: "misconfigured"; detail: string };

/** The stream's source the configuration names: STREAM_SOURCE, else the protocol the alerts' endpoint speaks. */
export function topicSourceFrom(config: Config): SourceChoice {
  const topic = config.STREAM_TOPIC;
  if (!topic) return { kind: "none", detail: "stream scoring off (STREAM_TOPIC unset)" };
  const sink = selectedSink(config);
  const kind = config.STREAM_SOURCE ?? (sink === "upstash" || sink === "confluent" ? sink : undefined);
  const common = { topic, group: config.STREAM_GROUP, start: config.STREAM_START };
  if (kind === "upstash") {
    const { UPSTASH_KAFKA_REST_URL: url, UPSTASH_KAFKA_REST_USERNAME: username, UPSTASH_KAFKA_REST_PASSWORD: password } = config;
    if (!url || !username || !password) return { kind: "misconfigured", detail: "the upstash stream source needs UPSTASH_KAFKA_REST_URL, _USERNAME and _PASSWORD" };
    return { kind: "source", source: new UpstashTopicSource({ url, username, password, ...common }) };
  }
  if (kind === "confluent") {
    // Confluent REST v3 produces but cannot consume, and REST Proxy v2's consumer hands out records without their
    // headers — where a record's API key travels — so a Confluent topic cannot be read with its merchant verified.
    return { kind: "misconfigured", detail: "the stream is read over the Upstash Kafka REST protocol only: Confluent REST v3 has no consume API (docs/streams.md)" };
  }
  return { kind: "misconfigured", detail: "STREAM_TOPIC is set but no Kafka REST endpoint is (STREAM_SOURCE, or UPSTASH_KAFKA_REST_* / CONFLUENT_*)" };
}
