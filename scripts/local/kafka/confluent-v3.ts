import type { ConfluentRecord } from "./schemas";
import type { StoredRecord } from "./topic-log";

type ConfluentData = NonNullable<ConfluentRecord["value"]>;
export type Serialised = { kind: "ok"; text: string; type: string; size: number } | { kind: "invalid"; message: string };

/**
 * A Confluent v3 key or value as the bytes Kafka would store, held as a UTF-8 string so Upstash-protocol consumers
 * read it like any other record: JSON → its serialisation, STRING → as is, BINARY → base64-decoded (bytes that
 * are not UTF-8 do not survive the trip — the Upstash REST protocol has no way to carry them either).
 */
export function serialise(data: ConfluentData | null | undefined): Serialised {
  if (data === null || data === undefined) return { kind: "ok", text: "", type: "JSON", size: 0 };
  const type = data.type ?? "JSON";
  switch (type) {
    case "JSON": {
      const text = JSON.stringify(data.data ?? null);
      return { kind: "ok", text, type, size: Buffer.byteLength(text) };
    }
    case "STRING":
      if (typeof data.data !== "string") return { kind: "invalid", message: "STRING data must be a string" };
      return { kind: "ok", text: data.data, type, size: Buffer.byteLength(data.data) };
    case "BINARY": {
      if (typeof data.data !== "string") return { kind: "invalid", message: "BINARY data must be a base64 string" };
      const bytes = Buffer.from(data.data, "base64");
      return { kind: "ok", text: bytes.toString("utf8"), type, size: bytes.length };
    }
  }
}

/** Header values arrive base64-encoded; Upstash-protocol consumers get them as strings. */
export function toStoredRecord(
  record: ConfluentRecord,
  key: string,
  value: string,
): { kind: "record"; record: StoredRecord } | { kind: "invalid"; message: string } {
  const timestamp = record.timestamp === undefined ? Date.now() : Date.parse(record.timestamp);
  if (Number.isNaN(timestamp)) return { kind: "invalid", message: "timestamp must be an ISO-8601 date-time" };
  const headers = (record.headers ?? []).map((h) => ({ key: h.name, value: Buffer.from(h.value ?? "", "base64").toString("utf8") }));
  return { kind: "record", record: { key, value, timestamp, headers } };
}
