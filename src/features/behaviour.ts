import { confirmedMerchants } from "./fraud-marks";
import { byValue, sides, threshold, type ReasonCodes } from "./reason-codes";
import { DAY_MS, HOUR_MS, RETENTION_MS, type BehaviourEvent, type EntityKind, type EntityState } from "./state";

/**
 * Features of one entity's behaviour *before* the current event, as of the event's time. Only events at or
 * before `now` count, so an out-of-order arrival never sees the future.
 */
export interface BehaviourContext {
  state: EntityState;
  event: BehaviourEvent;
}

interface WindowStats {
  count: number;
  amount: number;
  merchants: Set<string>;
  countries: Set<string>;
  cards: Set<string>;
  devices: Set<string>;
}

function windowStats(ctx: BehaviourContext, windowMs: number): WindowStats {
  const now = ctx.event.t;
  const from = now - windowMs;
  const s: WindowStats = {
    count: 0,
    amount: 0,
    merchants: new Set(),
    countries: new Set(),
    cards: new Set(),
    devices: new Set(),
  };
  for (const e of ctx.state.events) {
    if (e.t <= from || e.t > now) continue;
    s.count++;
    s.amount += e.amount;
    s.merchants.add(e.merchant);
    if (e.country) s.countries.add(e.country);
    s.cards.add(e.card);
    if (e.device) s.devices.add(e.device);
  }
  return s;
}

/** log1p of US dollars: amounts span five orders of magnitude. */
const logUsd = (cents: number) => Math.log1p(cents / 100);

export interface BehaviourFeature {
  /** Appended to the entity kind: `card_count_1h`. */
  suffix: string;
  description: string;
  /** Its reason codes, before the entity prefix (`velocity` → `card_velocity`). */
  reason: ReasonCodes;
  compute: (w: Windows, ctx: BehaviourContext) => number;
}

/** Window statistics computed once per entity and shared by its features. */
export interface Windows {
  h1: WindowStats;
  h24: WindowStats;
  d7: WindowStats;
}

export function windows(ctx: BehaviourContext): Windows {
  return { h1: windowStats(ctx, HOUR_MS), h24: windowStats(ctx, DAY_MS), d7: windowStats(ctx, RETENTION_MS) };
}

const COMMON: BehaviourFeature[] = [
  { suffix: "count_1h", description: "transactions in the last hour", reason: sides("velocity", "little_history", { pivot: 0 }), compute: (w) => w.h1.count },
  { suffix: "count_24h", description: "transactions in the last 24 hours", reason: sides("velocity", "little_history", { pivot: 0 }), compute: (w) => w.h24.count },
  { suffix: "count_7d", description: "transactions in the last 7 days", reason: sides("velocity", "little_history", { pivot: 0 }), compute: (w) => w.d7.count },
  { suffix: "amount_1h_log", description: "log1p(USD spent in the last hour)", reason: sides("amount_velocity", "little_history", { pivot: 0 }), compute: (w) => logUsd(w.h1.amount) },
  { suffix: "amount_24h_log", description: "log1p(USD spent in the last 24 hours)", reason: sides("amount_velocity", "little_history", { pivot: 0 }), compute: (w) => logUsd(w.h24.amount) },
  { suffix: "amount_7d_log", description: "log1p(USD spent in the last 7 days)", reason: sides("amount_velocity", "little_history", { pivot: 0 }), compute: (w) => logUsd(w.d7.amount) },
  {
    suffix: "amount_ratio_7d",
    description: "this amount / mean amount of the last 7 days (-1: no history)",
    reason: sides("amount_above_usual", "amount_below_usual", { values: { "-1": "no_history" }, fixed: { low: 0.8, high: 1.25, between: "usual_amount" } }),
    compute: (w, ctx) => (w.d7.count === 0 ? -1 : Math.min(1000, ctx.event.amount / Math.max(1, w.d7.amount / w.d7.count))),
  },
  {
    suffix: "since_last_log",
    description: "log1p(seconds since the previous transaction) (-1: never seen)",
    reason: sides("dormant", "rapid_repeat", { values: { "-1": "first_seen" }, fixed: { low: Math.log1p(HOUR_MS / 1000), high: Math.log1p(RETENTION_MS / 1000), between: "returning" } }),
    compute: (_w, { state, event }) =>
      state.lastSeen === null ? -1 : Math.log1p(Math.max(0, event.t - state.lastSeen) / 1000),
  },
  {
    suffix: "age_days",
    description: "days since first seen (-1: first time seen)",
    reason: sides("long_known", "new_entity", { values: { "-1": "first_seen" }, fixed: threshold(7) }),
    compute: (_w, { state, event }) => (state.firstSeen === null ? -1 : Math.max(0, event.t - state.firstSeen) / DAY_MS),
  },
  {
    suffix: "merchants_24h",
    description: "distinct merchants in the last 24 hours",
    reason: sides("merchant_spread", "single_merchant", { fixed: threshold(1) }),
    compute: (w) => w.h24.merchants.size,
  },
  {
    suffix: "countries_7d",
    description: "distinct network countries in the last 7 days",
    reason: sides("country_spread", "single_country", { values: { "0": "country_unknown" }, fixed: threshold(1) }),
    compute: (w) => w.d7.countries.size,
  },
];

const known = (seen: Set<string>, value: string) => (value === "" ? -1 : seen.has(value) ? 1 : 0);

/** Merchants that confirmed fraud on the entity (fraud-marks.ts): 0 for most, so its pivot is 0, not the reference. */
const confirmedFraud = (kind: string): BehaviourFeature => ({
  suffix: "confirmed_fraud_90d",
  description: `merchants that confirmed fraud (a chargeback, an early fraud warning, a refund as fraud or a review) on this ${kind}'s transactions of the last 90 days`,
  reason: sides("confirmed_fraud", "no_confirmed_fraud", { pivot: 0 }),
  compute: (_w, { state, event }) => confirmedMerchants(state.confirmed, event.t),
});

const SPECIFIC: Record<EntityKind, BehaviourFeature[]> = {
  card: [
    { suffix: "devices_24h", description: "distinct devices used by this card in 24 hours", reason: sides("many_devices", "single_device", { values: { "0": "no_device_seen" }, fixed: threshold(1) }), compute: (w) => w.h24.devices.size },
    { suffix: "device_known", description: "this device used by this card in 7 days (1/0, -1: no device)", reason: byValue("new_device", { "1": "known_device", "0": "new_device", "-1": "device_not_provided" }), compute: (w, c) => known(w.d7.devices, c.event.device) },
    { suffix: "country_known", description: "this network country seen for this card in 7 days (1/0, -1: unknown)", reason: byValue("new_country", { "1": "known_country", "0": "new_country", "-1": "country_unknown" }), compute: (w, c) => known(w.d7.countries, c.event.country) },
    confirmedFraud("card"),
  ],
  device: [
    { suffix: "cards_24h", description: "distinct cards used on this device in 24 hours", reason: sides("many_cards", "single_card", { fixed: threshold(1) }), compute: (w) => w.h24.cards.size },
    { suffix: "card_known", description: "this card used on this device in 7 days (1/0)", reason: byValue("new_card", { "1": "known_card", "0": "new_card" }), compute: (w, c) => known(w.d7.cards, c.event.card) },
    confirmedFraud("device"),
  ],
  ip: [
    { suffix: "cards_24h", description: "distinct cards used from this IP in 24 hours", reason: sides("many_cards", "single_card", { fixed: threshold(1) }), compute: (w) => w.h24.cards.size },
  ],
  customer: [
    { suffix: "cards_7d", description: "distinct cards used by this customer in 7 days", reason: sides("many_cards", "single_card", { fixed: threshold(1) }), compute: (w) => w.d7.cards.size },
    { suffix: "card_known", description: "this card used by this customer in 7 days (1/0)", reason: byValue("new_card", { "1": "known_card", "0": "new_card" }), compute: (w, c) => known(w.d7.cards, c.event.card) },
    confirmedFraud("customer"),
  ],
};

export function behaviourFeatures(kind: EntityKind): BehaviourFeature[] {
  return [...COMMON, ...SPECIFIC[kind]];
}
