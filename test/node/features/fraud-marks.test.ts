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
  it("whatever one merchant marks, any other merchant's count moves by at most 1 and the others' marks stay", () => {
    const step = fc.record({
      merchant: fc.constantFrom("m_a", "m_b", "m_c", "m_hostile"),
      id: fc.constantFrom("t1", "t2", "t3", "t4", "t5", "t6"),
      day: fc.integer({ min: 0, max: 120 }),
      confirmed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.array(step.map((s) => ({ ...s, merchant: "m_hostile" })), { maxLength: 80 }), (honest, hostile) => {
        // Honest labels alone, and the same with a hostile merchant's labels interleaved after each.
        const now = (d: number) => T0 + d * DAY_MS;
        let alone: FraudMark[] = [];
        let attacked: FraudMark[] = [];
        const hostileLeft = [...hostile];
        for (const s of honest) {
          const mark = { t: now(s.day), merchant: s.merchant, id: s.id };
          alone = applyMark(alone, mark, s.confirmed, now(s.day));
          attacked = applyMark(attacked, mark, s.confirmed, now(s.day));
          const h = hostileLeft.shift();
          if (h) attacked = applyMark(attacked, { t: now(h.day), merchant: h.merchant, id: h.id }, h.confirmed, now(h.day));
        }
        const at = now(121);
        const base = confirmedMerchants(alone.filter((m) => m.merchant !== "m_hostile"), at);
        const seen = confirmedMerchants(attacked, at);
        expect(seen - base).toBeGreaterThanOrEqual(0);
        expect(seen - base).toBeLessThanOrEqual(1);
        expect(attacked.filter((m) => m.merchant === "m_hostile").length).toBeLessThanOrEqual(MAX_MARKS_PER_MERCHANT);
        expect(attacked.length).toBeLessThanOrEqual(MAX_MARKS);
      }),
    );
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
