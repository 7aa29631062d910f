import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BehaviourReplay,
  CONFIRMED_WINDOW_MS,
  DAY_MS,
  FEATURE_NAMES,
  MAX_MARKS,
  MAX_MARKS_PER_MERCHANT,
  applyMark,
  confirmedMerchants,
  type FraudMark,
} from "../../../src/features";
import type { Transaction } from "../../../src/schemas/transaction";

/**
 * The network memory's one definition (src/features/fraud-marks.ts), which training's replay, the memory store and
 * the Redis mark script share: the bound it states, and the replay's point-in-time rule (a row sees only the labels
 * learnt before it).
 */
const T0 = Date.UTC(2026, 10, 1);

describe("applyMark", () => {
  it("whatever one merchant marks, any other merchant's count moves by at most 1 and never down", () => {
    // Up to 40 honest merchants, so the entity's cap of 32 binds.
    const step = fc.record({
      merchant: fc.integer({ min: 0, max: 39 }).map((i) => `m_${i}`),
      id: fc.constantFrom("t1", "t2", "t3"),
      day: fc.integer({ min: 0, max: 120 }),
      confirmed: fc.boolean(),
    });
    const hostileStep = fc.record({ id: fc.integer({ min: 0, max: 9 }).map((i) => `h${i}`), day: fc.integer({ min: 0, max: 120 }), confirmed: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), fc.array(hostileStep, { maxLength: 150 }), fc.integer({ min: 0, max: 30 }), (honest, hostile, after) => {
        // Honest labels in time order alone, and the same with the hostile merchant's interleaved.
        const now = (d: number) => T0 + d * DAY_MS;
        const events = [...honest.map((s) => ({ ...s, hostile: false })), ...hostile.map((s) => ({ ...s, merchant: "m_hostile", hostile: true }))].sort((a, b) => a.day - b.day);
        let alone: FraudMark[] = [];
        let attacked: FraudMark[] = [];
        for (const s of events) {
          const mark = { t: now(s.day), merchant: s.merchant, id: s.id };
          if (!s.hostile) alone = applyMark(alone, mark, s.confirmed, now(s.day));
          attacked = applyMark(attacked, mark, s.confirmed, now(s.day));
        }
        // Scored after the last label (a score never sees the state of before a write it follows).
        const at = now((events.at(-1)?.day ?? 0) + after);
        const base = confirmedMerchants(alone, at);
        const seen = confirmedMerchants(attacked, at);
        expect(seen).toBeGreaterThanOrEqual(Math.min(base, MAX_MARKS));
        expect(seen).toBeLessThanOrEqual(base + 1);
        expect(attacked.filter((m) => m.merchant === "m_hostile").length).toBeLessThanOrEqual(MAX_MARKS_PER_MERCHANT);
        expect(attacked.length).toBeLessThanOrEqual(MAX_MARKS);
      }),
      { numRuns: 300 },
    );
  });

  it("past the cap a newcomer displaces the oldest mark of a merchant holding several, not anyone's only mark", () => {
    let marks: FraudMark[] = [];
    for (let i = 0; i < 28; i++) marks = applyMark(marks, { t: T0 + i * 1000, merchant: `m_${i}`, id: "a" }, true, T0 + i * 1000);
    for (let i = 0; i < 4; i++) marks = applyMark(marks, { t: T0 + 100_000 + i, merchant: "m_busy", id: `b${i}` }, true, T0 + 100_000 + i);
    marks = applyMark(marks, { t: T0 + 200_000, merchant: "m_new", id: "n" }, true, T0 + 200_000);
    expect(marks).toHaveLength(MAX_MARKS);
    expect(confirmedMerchants(marks, T0 + 200_000)).toBe(30);
    expect(marks.filter((m) => m.merchant === "m_busy").map((m) => m.id)).toEqual(["b1", "b2", "b3"]);
  });

  it("unmarks, drops marks older than the window, keeps a merchant's newest", () => {
    const m = (day: number, id: string, merchant = "m_a"): FraudMark => ({ t: T0 + day * DAY_MS, merchant, id });
    let marks = applyMark([], m(0, "a"), true, T0);
    marks = applyMark(marks, m(1, "b"), true, T0 + DAY_MS);
    expect(marks.map((x) => x.id)).toEqual(["a", "b"]);
    expect(applyMark(marks, m(0, "a"), false, T0 + DAY_MS).map((x) => x.id)).toEqual(["b"]);
    expect(applyMark(marks, m(2, "c"), true, T0 + CONFIRMED_WINDOW_MS).map((x) => x.id)).toEqual(["b", "c"]);
    for (let i = 0; i < 10; i++) marks = applyMark(marks, m(2 + i, `x${i}`), true, T0 + (2 + i) * DAY_MS);
    expect(marks.map((x) => x.id)).toEqual(["x6", "x7", "x8", "x9"]);
  });

  it("counts only marks of transactions in the 90 days up to the row", () => {
    const marks = [{ t: T0, merchant: "m_a", id: "a" }, { t: T0 + 5 * DAY_MS, merchant: "m_b", id: "b" }];
    expect(confirmedMerchants(marks, T0 + 10 * DAY_MS)).toBe(2);
    expect(confirmedMerchants(marks, T0 + CONFIRMED_WINDOW_MS)).toBe(1);
    expect(confirmedMerchants(marks, T0 + 2 * DAY_MS)).toBe(1);
    expect(confirmedMerchants(undefined, T0)).toBe(0);
  });
});

describe("BehaviourReplay: labels learnt later", () => {
  const tx = (id: string, merchant: string, card: string): Transaction => ({
    transaction_id: id,
    amount: 5000,
    currency: "USD",
    merchant: { id: merchant },
    card: { fingerprint: card, country: "US" },
    device: { id: `dev_${id}` },
  });
  const col = FEATURE_NAMES.indexOf("card_confirmed_fraud_90d");

  it("a row sees a label only once it was learnt, and then at any merchant", () => {
    const r = new BehaviourReplay();
    const fraud = tx("t1", "m_a", "card_x");
    r.next({ tx: fraud, edge: {}, t: T0 });
    r.labelLater(fraud, T0, T0 + 20 * DAY_MS);
    expect(r.next({ tx: tx("t2", "m_b", "card_x"), edge: {}, t: T0 + 19 * DAY_MS })[col]).toBe(0);
    expect(r.next({ tx: tx("t3", "m_b", "card_x"), edge: {}, t: T0 + 20 * DAY_MS })[col]).toBe(1);
    expect(r.next({ tx: tx("t4", "m_c", "card_y"), edge: {}, t: T0 + 21 * DAY_MS })[col]).toBe(0);
    expect(r.next({ tx: tx("t5", "m_c", "card_x"), edge: {}, t: T0 + 91 * DAY_MS })[col]).toBe(0);
  });

  it("applies labels in the order they were learnt, whatever order they were queued in", () => {
    const r = new BehaviourReplay();
    const ids = Array.from({ length: 50 }, (_, i) => i);
    for (const i of ids) {
      const f = tx(`f${i}`, `m_${i % 7}`, "card_z");
      r.next({ tx: f, edge: {}, t: T0 + i * 1000 });
      r.labelLater(f, T0 + i * 1000, T0 + DAY_MS + ((i * 37) % 50) * 60_000);
    }
    expect(r.next({ tx: tx("late", "m_x", "card_z"), edge: {}, t: T0 + 2 * DAY_MS })[col]).toBe(7);
  });
});
