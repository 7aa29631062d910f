import { SnapshotSchema } from "../snapshot";
import type { SnapshotRead } from "./interface";

/** A stored snapshot, checked: one from an exporter of another version is reported rather than served misread. */
export function parseSnapshot(raw: string): SnapshotRead {
  const parsed = SnapshotSchema.safeParse(JSON.parse(raw));
  return parsed.success ? { kind: "snapshot", snapshot: parsed.data } : { kind: "invalid", detail: parsed.error.message };
}
