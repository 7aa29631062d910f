import type { Snapshot } from "../snapshot";

/**
 * Where the exporter's metrics snapshot lives: written by workers/metrics-exporter, read by GET /metrics and
 * GET /v1/stats. Implementations side by side: redis.ts (the feature store's Redis), memory.ts, not-configured.ts.
 */
export type SnapshotRead = { kind: "snapshot"; snapshot: Snapshot } | { kind: "none" } | { kind: "invalid"; detail: string };

export interface SnapshotStore {
  readonly kind: "redis" | "memory" | "not_configured";
  read(): Promise<SnapshotRead>;
  write(snapshot: Snapshot): Promise<void>;
}
