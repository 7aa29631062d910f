import { describe, expect, it } from "vitest";
import {
  BehaviourReplay, DAY_MS, FEATURE_NAMES, HOUR_MS, MAX_EVENTS, MAX_EVENTS_PER_MERCHANT, RETENTION_MS, applyEvent, emptyState,
  type BehaviourEvent, type ScoringInput,
} from "../../../src/features";
import type { Transaction } from "../../../src/schemas/transaction";

/** The shared feature definition as training uses it: state updates and behaviour features under replay. */
const T0 = Date.UTC(2026, 9, 1, 12);
const MIN = 60_000;

const event = (t: number, id = `e${t}`, over: Partial<BehaviourEvent> = {}): BehaviourEvent => ({
  t, id, amount: 1000, merchant: "m1", country: "US", card: "c1", device: "d1", ...over,
});

function input(t: number, over: { card?: string; device?: string | null; ip?: string; amountCents?: number; country?: string } = {}): ScoringInput {
  const tx: Transaction = {
    transaction_id: `tx${t}`,
    amount: over.amountCents ?? 2000,
    currency: "USD",
    merchant: { id: "m1", category: "5411", country: "US", timezone: "America/New_York" },
    card: { fingerprint: over.card ?? "card_a", country: "US" },
  };
  if (over.device !== null) tx.device = { id: over.device ?? "dev_a", ip: over.ip ?? "198.51.100.7", ip_country: over.country ?? "US" };
  return { tx, edge: { country: "US" }, t };
}

const col = (name: string) => {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return i;
};

describe("applyEvent", () => {
  it("keeps events in time order when they arrive out of order, and tracks first/last seen", () => {
    let s = emptyState();
    for (const t of [T0 + 5 * MIN, T0, T0 + 2 * MIN]) s = applyEvent(s, event(t));
    expect(s.events.map((e) => e.t)).toEqual([T0, T0 + 2 * MIN, T0 + 5 * MIN]);
    expect(s.firstSeen).toBe(T0);
    expect(s.lastSeen).toBe(T0 + 5 * MIN);
  });

  it("orders events at the same millisecond by their encoded member, whatever the arrival order", () => {
    const a = event(T0, "a");
    const b = event(T0, "b");
    expect(applyEvent(applyEvent(emptyState(), b), a).events).toEqual(applyEvent(applyEvent(emptyState(), a), b).events);
  });

  it("drops events older than the retention window but remembers when the entity was first seen", () => {
    let s = applyEvent(emptyState(), event(T0));
    s = applyEvent(s, event(T0 + RETENTION_MS - 1));
    expect(s.events).toHaveLength(2);
    s = applyEvent(s, event(T0 + RETENTION_MS));
    expect(s.events.map((e) => e.t)).toEqual([T0 + RETENTION_MS - 1, T0 + RETENTION_MS]);
    expect(s.firstSeen).toBe(T0);
  });

  it("keeps only the newest MAX_EVENTS events (of many merchants)", () => {
    let s = emptyState();
    for (let k = 0; k < MAX_EVENTS + 7; k++) s = applyEvent(s, event(T0 + k * 1000, undefined, { merchant: `m${k % 10}` }));
    expect(s.events).toHaveLength(MAX_EVENTS);
    expect(s.events[0]!.t).toBe(T0 + 7 * 1000);
  });

  it("keeps each merchant's newest MAX_EVENTS_PER_MERCHANT: one merchant cannot evict or outweigh the others", () => {
    let s = emptyState();
    for (let k = 0; k < 5; k++) s = applyEvent(s, event(T0 + k * 1000, `other${k}`, { merchant: "m_other" }));
    for (let k = 0; k < 3 * MAX_EVENTS; k++) s = applyEvent(s, event(T0 + 10_000 + k * 1000, `flood${k}`, { merchant: "m_flood" }));
    expect(s.events.filter((e) => e.merchant === "m_other")).toHaveLength(5);
    expect(s.events.filter((e) => e.merchant === "m_flood").map((e) => e.id)).toEqual(
      Array.from({ length: MAX_EVENTS_PER_MERCHANT }, (_, i) => `flood${3 * MAX_EVENTS - MAX_EVENTS_PER_MERCHANT + i}`),
    );
  });

  it("records an event once: the same event applied again changes nothing", () => {
    const once = applyEvent(emptyState(), event(T0, "a"));
    expect(applyEvent(once, event(T0, "a"))).toEqual(once);
  });

  it("does not mutate the state it is given", () => {
    const s = applyEvent(emptyState(), event(T0));
    const copy = structuredClone(s);
    applyEvent(s, event(T0 + 1));
    expect(s).toEqual(copy);
  });
});

describe("behaviour features under replay", () => {
  it("counts only events strictly before the current one, within each window", () => {
    const r = new BehaviourReplay();
    const first = r.next(input(T0));
    expect(first[col("card_count_1h")]).toBe(0);
    expect(first[col("card_age_days")]).toBe(-1);
    expect(first[col("card_since_last_log")]).toBe(-1);
    expect(first[col("card_amount_ratio_7d")]).toBe(-1);

    const second = r.next(input(T0 + 10 * MIN));
    expect(second[col("card_count_1h")]).toBe(1);
    expect(second[col("card_since_last_log")]).toBeCloseTo(Math.log1p(600), 5);
    expect(second[col("card_amount_1h_log")]).toBeCloseTo(Math.log1p(20), 5);

    const later = r.next(input(T0 + 2 * HOUR_MS, { amountCents: 8000 }));
    expect(later[col("card_count_1h")]).toBe(0);
    expect(later[col("card_count_24h")]).toBe(2);
    expect(later[col("card_amount_ratio_7d")]).toBeCloseTo(4, 5);
  });

  it("expires events after seven days while the entity's age keeps growing", () => {
    const r = new BehaviourReplay();
    r.next(input(T0));
    const row = r.next(input(T0 + 8 * DAY_MS));
    expect(row[col("card_count_7d")]).toBe(0);
    expect(row[col("card_age_days")]).toBeCloseTo(8, 5);
    expect(row[col("card_countries_7d")]).toBe(0);
  });

  it("links entities: a new card on a known device, a new device for a known card, cards per IP", () => {
    const r = new BehaviourReplay();
    r.next(input(T0, { card: "card_a", device: "dev_a" }));
    const newCard = r.next(input(T0 + MIN, { card: "card_b", device: "dev_a" }));
    expect(newCard[col("device_card_known")]).toBe(0);
    expect(newCard[col("device_cards_24h")]).toBe(1);
    expect(newCard[col("ip_cards_24h")]).toBe(1);
    const newDevice = r.next(input(T0 + 2 * MIN, { card: "card_a", device: "dev_z", ip: "203.0.113.9" }));
    expect(newDevice[col("card_device_known")]).toBe(0);
    expect(newDevice[col("device_age_days")]).toBe(-1);
    expect(newDevice[col("ip_count_24h")]).toBe(0);
    const known = r.next(input(T0 + 3 * MIN, { card: "card_a", device: "dev_a" }));
    expect(known[col("card_device_known")]).toBe(1);
    expect(known[col("card_devices_24h")]).toBe(2);
  });

  it("gives -1 to every feature of an entity the transaction does not name", () => {
    const r = new BehaviourReplay();
    const row = r.next(input(T0, { device: null }));
    for (const name of FEATURE_NAMES.filter((n) => n.startsWith("device_") || n.startsWith("ip_") || n.startsWith("customer_"))) {
      expect(row[col(name)], name).toBe(-1);
    }
    expect(row[col("card_device_known")]).toBe(-1);
  });

  it("sees a new network country for the card", () => {
    const r = new BehaviourReplay();
    r.next(input(T0, { country: "US" }));
    const abroad = r.next(input(T0 + HOUR_MS, { country: "NG" }));
    expect(abroad[col("card_country_known")]).toBe(0);
    expect(abroad[col("card_ip_country_mismatch")]).toBe(1);
    const after = r.next(input(T0 + 2 * HOUR_MS, { country: "NG" }));
    expect(after[col("card_country_known")]).toBe(1);
    expect(after[col("card_countries_7d")]).toBe(2);
  });
});
