import { SNAPSHOT_TTL_S, type Snapshot } from "../snapshot";
import type { SnapshotRead, SnapshotStore } from "./interface";
import { parseSnapshot } from "./parse";

/** The snapshot in this isolate's memory, stored as the JSON Redis would hold and expiring like it. */
export class MemorySnapshotStore implements SnapshotStore {
  readonly kind = "memory" as const;
  private stored: { json: string; expiresAt: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  async read(): Promise<SnapshotRead> {
    if (!this.stored || this.now() >= this.stored.expiresAt) return { kind: "none" };
    return parseSnapshot(this.stored.json);
  }

  async write(snapshot: Snapshot): Promise<void> {
    this.stored = { json: JSON.stringify(snapshot), expiresAt: this.now() + SNAPSHOT_TTL_S * 1000 };
  }
}
