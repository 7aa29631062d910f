import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BehaviourReplay, DAY_MS, FEATURES, MAX_EVENTS_PER_MERCHANT, type ScoringInput } from "../../../src/features";
import type { Transaction } from "../../../src/schemas/transaction";

/**
 * The bound docs/feature-store.md states, as a property of the one feature definition (training and serving
 * replay the same `applyEvent`): whatever merchant B sends — any number of transactions, any amounts, devices and
 * countries, on the very card, device, IP and customer merchant A's shopper uses — A's next score sees each
 * behavioural feature move by no more than this, compared with the same history without B:
 *   counts +0…+20 (MAX_EVENTS_PER_MERCHANT) · distinct devices/cards/countries +0…+20 · distinct merchants +0…+1 ·
 *   amounts only up · "known" flags only to known · time since last only shorter · age only older, never older than
 *   B's first real transaction.
 * And B removes nothing of anyone else's history (with up to five merchants on an entity, the total cap cannot bind;
 * docs/feature-store.md says what changes beyond that).
 */
const K = MAX_EVENTS_PER_MERCHANT;
const T0 = Date.UTC(2026, 10, 1);
const SHARED = { card: "card_victim", device: "dev_victim", ip: "198.51.100.77", customer: "cus_victim" };

interface Step {
  id?: string;
  merchant: string;
  /** Minutes after T0, over more than the 7-day window. */
  minute: number;
  amount: number;
  /** B may use other devices and countries with the same card. */
  device: string;
  country: string;
}

function input(s: Step): ScoringInput {
  const tx: Transaction = {
    transaction_id: s.id ?? "tx",
    amount: s.amount,
    currency: "USD",
    merchant: { id: s.merchant },
    card: { fingerprint: SHARED.card, country: "US" },
    customer: { id: SHARED.customer },
    device: { id: s.device, ip: SHARED.ip, ip_country: s.country },
  };
  return { tx, edge: {}, t: T0 + s.minute * 60_000 };
}

/** A's next transaction's behavioural features after `history` (in time order, as receive times are). */
function next(history: Step[], final: Step) {
  const replay = new BehaviourReplay();
  for (const s of history) replay.next(input(s));
  const row = replay.next(input(final));
  return { row, replay };
}

const honest = (merchant: string) =>
  fc.record({
    merchant: fc.constant(merchant),
    minute: fc.integer({ min: 0, max: 9 * 24 * 60 }),
    amount: fc.integer({ min: 100, max: 50_000 }),
    device: fc.constant(SHARED.device),
    country: fc.constant("US"),
  });
const attacker = fc.record({
  merchant: fc.constant("m_B"),
  minute: fc.integer({ min: 0, max: 9 * 24 * 60 }),
  amount: fc.integer({ min: 1, max: 99_999_999_999 }),
  device: fc.constantFrom(SHARED.device, "dev_b1", "dev_b2", "dev_b3"),
  country: fc.constantFrom("US", "GB", "NG", "BR"),
});

const byTime = (a: Step, b: Step) => a.minute - b.minute;
const named = (suffix: string) => FEATURES.flatMap((f, i) => (f.group === "behaviour" && f.name.endsWith(suffix) ? [i] : []));

describe("what one merchant can move in another's next score", () => {
  it("each behavioural feature within its documented bound; nobody else's history removed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(honest("m_A"), honest("m_C1"), honest("m_C2"), honest("m_C3")), { maxLength: 60, size: "max" }),
        fc.array(attacker, { maxLength: 250, size: "max" }),
        (othersSteps, fromBSteps) => {
          const others = othersSteps.map((s, i) => ({ ...s, id: `o${i}` }));
          const fromB = fromBSteps.map((s, i) => ({ ...s, id: `b${i}` }));
          const end = 9 * 24 * 60 + 1;
          const final: Step = { id: "final", merchant: "m_A", minute: end, amount: 7_500, device: SHARED.device, country: "US" };
          const without = next([...others].sort(byTime), final);
          const withB = next([...others, ...fromB].sort(byTime), final);
          const d = (i: number) => withB.row[i]! - without.row[i]!;

          const within = (indexes: number[], low: number, high: number) => {
            for (const i of indexes) {
              expect(d(i), FEATURES[i]!.name).toBeGreaterThanOrEqual(low);
              expect(d(i), FEATURES[i]!.name).toBeLessThanOrEqual(high);
            }
          };
          within([...named("_count_1h"), ...named("_count_24h"), ...named("_count_7d")], 0, K);
          within([...named("_devices_24h"), ...named("_cards_24h"), ...named("_cards_7d"), ...named("_countries_7d")], 0, K);
          within(named("_merchants_24h"), 0, 1);
          within([...named("_amount_1h_log"), ...named("_amount_24h_log"), ...named("_amount_7d_log")], -1e-6, Infinity);
          for (const i of named("_known")) expect(withB.row[i]!, FEATURES[i]!.name).toBeGreaterThanOrEqual(without.row[i]!);
          // -1: never seen. Time since last only shorter, age only longer — and no older than B's first transaction.
          const sinceLast = (v: number) => (v < 0 ? Infinity : v);
          for (const i of named("_since_last_log")) expect(sinceLast(withB.row[i]!)).toBeLessThanOrEqual(sinceLast(without.row[i]!) + 1e-6);
          const bAge = fromB.length === 0 ? -1 : ((end - Math.min(...fromB.map((s) => s.minute))) * 60_000) / DAY_MS;
          for (const i of named("_age_days")) {
            expect(withB.row[i]!).toBeGreaterThanOrEqual(without.row[i]! - 1e-6);
            expect(withB.row[i]!).toBeLessThanOrEqual(Math.max(without.row[i]!, bAge) + 1e-4);
          }

          // Nothing of A's or the others' history was pushed out; B holds at most K events of each entity.
          for (const [kind, id] of Object.entries(SHARED) as [keyof typeof SHARED, string][]) {
            const a = withB.replay.stateOf(kind, id).events;
            expect(a.filter((e) => e.merchant !== "m_B")).toEqual(without.replay.stateOf(kind, id).events);
            expect(a.filter((e) => e.merchant === "m_B").length).toBeLessThanOrEqual(K);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the bound binds: a merchant's flood of the last hour adds exactly its cap to the victim's velocity", () => {
    const flood: Step[] = Array.from({ length: 200 }, (_, i) => ({ id: `b${i}`, merchant: "m_B", minute: 1000 + i * 0.1, amount: 100, device: SHARED.device, country: "US" }));
    const final: Step = { id: "final", merchant: "m_A", minute: 1030, amount: 100, device: SHARED.device, country: "US" };
    const { row } = next(flood, final);
    for (const i of named("card_count_1h")) expect(row[i]).toBe(K);
  });
});
