import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DecisionPoint } from "../../../src/analytics/decision-points";
import { MemoryAnalyticsWriter } from "../../../src/analytics/writer/memory";

const point = (i: number) => ({ indexes: [`m${i}`], blobs: [], doubles: [i] }) as unknown as DecisionPoint;

describe("the memory analytics writer", () => {
  it("keeps the newest `max` points, oldest first, however the writes are split", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 12 }), (max, sizes) => {
        const writer = new MemoryAnalyticsWriter(max);
        let n = 0;
        for (const size of sizes) writer.write(Array.from({ length: size }, () => point(n++)));
        const expected = Array.from({ length: n }, (_, i) => i).slice(Math.max(0, n - max));
        expect(writer.points().map((p) => (p as unknown as { doubles: number[] }).doubles[0])).toEqual(expected);
      }),
    );
  });
});
