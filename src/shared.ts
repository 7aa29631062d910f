/**
 * What the other Workers of this repository (workers/: the scheduled metrics exporter) use of the scoring
 * Worker, in one module: the configuration it shares, the alert spill and its replay, the Analytics Engine
 * layout the scorer writes, the metrics snapshot it serves, and the model card drift is measured against.
 * Nothing here pulls in the model runtime or the HTTP app.
 */
export { ConfigSchema, ConfigError, count, ms, optional, parseConfig, type Config } from "./config";
export { replaySpilled, type ReplayReport } from "./alerts/replay";
export { IN_FLIGHT_MS, type AlertSpill, type SpillBacklog } from "./alerts/spill/interface";
export { alertSpillFrom } from "./alerts/spill/from-config";
export { alertSinkFrom } from "./alerts/sink/from-config";
export { AE_DATASET, ERROR_DECISION, KEY_FEATURES, LATENCY_EDGES_MS, column } from "./analytics/schema";
export { binExpression } from "./analytics/histogram";
export { SNAPSHOT_VERSION, type Snapshot, type Stats } from "./analytics/snapshot";
export { snapshotStoreFrom } from "./analytics/snapshots/from-config";
export { NotConfiguredError } from "./errors/not-configured";
export { drainOutbox, type DrainReport, type OutboxTopic } from "./feedback/outbox";
export { upstashRedis, upstashFrom } from "./store/upstash";
export { ModelCardSchema, type ModelCard } from "./model/card";
