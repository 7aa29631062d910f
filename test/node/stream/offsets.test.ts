import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CREATED_AT_TOLERANCE } from "../../../src/pipeline/item";
import { eventTime } from "../../../src/stream/records";
import type { SourceRecord } from "../../../src/stream/source/interface";
import { takeInOrder } from "../../../src/stream/source/upstash";

const record = (partition: number, offset: number, timestamp = 0): SourceRecord => ({ topic: "t", partition, offset, timestamp, key: "", value: "{}", headers: [] });

describe("what a fetched batch takes", () => {
  it("per partition a prefix of its records from the position on, in offset order, at most `max` in all", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ partition: fc.integer({ min: 0, max: 2 }), offset: fc.integer({ min: 0, max: 40 }) }), { maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 30 }),
        (raw, starts, max) => {
          const from = starts.map((offset, partition) => ({ partition, offset }));
          const taken = takeInOrder(raw.map((r) => record(r.partition, r.offset)), from, max);
          expect(taken.length).toBeLessThanOrEqual(max);
          for (const { partition, offset } of from) {
            const available = [...new Set(raw.filter((r) => r.partition === partition && r.offset >= offset).map((r) => r.offset))].sort((a, b) => a - b);
            const mine = taken.filter((t) => t.partition === partition).map((t) => t.offset);
            // A prefix: committing past its last record skips nothing that was fetched and not taken.
            expect(mine).toEqual(available.slice(0, mine.length));
          }
          // Nothing is left out while there is room.
          const total = new Set(raw.filter((r) => r.offset >= starts[r.partition]!).map((r) => `${r.partition}:${r.offset}`)).size;
          expect(taken.length).toBe(Math.min(max, total));
        },
      ),
    );
  });

  it("takes from every partition in turn, so a full one does not starve the others", () => {
    const messages = [...Array.from({ length: 10 }, (_, i) => record(0, i)), record(1, 0), record(1, 1)];
    const taken = takeInOrder(messages, [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }], 4);
    expect(taken.map((t) => [t.partition, t.offset])).toEqual([[0, 0], [1, 0], [0, 1], [1, 1]]);
  });
});

describe("a record's event time", () => {
  const now = Date.parse("2026-12-02T12:00:00Z");
  it("is the broker's timestamp within the tolerance a server's created_at has, so a redelivery is the same event", () => {
    expect(eventTime(record(0, 0, now - 60_000), now)).toBe(now - 60_000);
    expect(eventTime(record(0, 0, now - CREATED_AT_TOLERANCE.pastMs), now)).toBe(now - CREATED_AT_TOLERANCE.pastMs);
  });
  it("is now for an older or a future timestamp: a record cannot date what it adds to the shared history", () => {
    expect(eventTime(record(0, 0, now - CREATED_AT_TOLERANCE.pastMs - 1), now)).toBe(now);
    expect(eventTime(record(0, 0, now - 30 * 86_400_000), now)).toBe(now);
    expect(eventTime(record(0, 0, now + 1), now)).toBe(now);
  });
});
