import { alertSinkFrom } from "../alerts/sink/from-config";
import type { Services } from "../http/env";
import type { PassReport, StreamStatus } from "../schemas/stream";
import { runPass, type StreamDeps } from "./pass";
import { topicSourceFrom } from "./source/from-config";
import type { Position } from "./source/interface";

/** The stream consumer as a deployment configures it, or why there is none. */
export type StreamChoice = { kind: "ready"; deps: StreamDeps } | { kind: "off"; detail: string } | { kind: "misconfigured"; detail: string };

const built = new WeakMap<Services, StreamChoice>();

/** Built once per isolate from the scorer's own services: the stream decides with the very backends HTTP does. */
export function streamFor(services: Services): StreamChoice {
  let choice = built.get(services);
  if (!choice) {
    choice = build(services);
    built.set(services, choice);
  }
  return choice;
}

function build(services: Services): StreamChoice {
  const { config } = services;
  const source = topicSourceFrom(config);
  if (source.kind === "none") return { kind: "off", detail: source.detail };
  if (source.kind === "misconfigured") return { kind: "misconfigured", detail: source.detail };
  const results = alertSinkFrom({ ...config, ALERT_TOPIC: config.STREAM_RESULTS_TOPIC });
  const deadLetters = alertSinkFrom({ ...config, ALERT_TOPIC: config.STREAM_DLQ_TOPIC });
  if (results.kind !== "sink" || deadLetters.kind !== "sink") {
    return { kind: "misconfigured", detail: `the stream's answers need a Kafka REST sink: ${results.kind === "sink" ? "" : results.detail}` };
  }
  return { kind: "ready", deps: { pipeline: services, auth: services.auth, source: source.source, results: results.sink, deadLetters: deadLetters.sink } };
}

/** One pass with the configured budget and batch size (the cron's, and POST /v1/admin/stream/pass's). */
export function streamPass(services: Services, deps: StreamDeps, budgetMs = services.config.STREAM_PASS_MS): Promise<PassReport> {
  return runPass(deps, { budgetMs, batch: services.config.STREAM_BATCH });
}

/** Where the group stands on the topic: committed position, end of the log, and the lag between, per partition. */
export async function streamStatus(services: Services, deps: StreamDeps): Promise<StreamStatus> {
  const positions: Position[] = await deps.source.positions();
  const ends = await deps.source.ends(positions.map((p) => p.partition));
  const partitions = positions.map((p) => {
    const end = ends.find((e) => e.partition === p.partition)?.offset ?? p.offset;
    return { partition: p.partition, committed: p.offset, end, lag: Math.max(0, end - p.offset) };
  });
  return { topic: deps.source.topic, group: services.config.STREAM_GROUP, partitions, lag: partitions.reduce((s, p) => s + p.lag, 0) };
}
