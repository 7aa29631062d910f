import { canonicalIp } from "../schemas/ip";
import { CURRENCIES, toUsdCents } from "../schemas/iso";
import type { ScoringInput, Transaction } from "../schemas/transaction";
import { behaviourFeatures, windows } from "./behaviour";
import { localTime } from "./calendar";
import { DISPOSABLE_EMAIL_DOMAINS, FREE_EMAIL_DOMAINS, HOSTING_ASNS } from "./lists";
import { isHighRiskMcc, mccGroup, mccGroupIndex } from "./mcc";
import { allReasonCodes, byValue, comparison, prefixed, sides, threshold, type ReasonCodes } from "./reason-codes";
import { ENTITY_KINDS, type BehaviourEvent, type EntityKind, type EntityState } from "./state";

/**
 * THE feature definition: training (scripts/train) and serving (src/) both build the model's input vector here,
 * so the two can never drift. A feature's position in FEATURES is its column in the model's input tensor.
 */


export type FeatureGroup = "transaction" | "edge" | "behaviour";

export interface FeatureInfo {
  name: string;
  group: FeatureGroup;
  description: string;
  /** The reason codes it reports when it raises a score (reason-codes.ts, docs/reasons.md). */
  reason: ReasonCodes;
  entity?: EntityKind;
}

interface InputFeature extends FeatureInfo {
  compute: (d: Derived) => number;
}

/** Values several input features share, derived once per transaction. */
interface Derived {
  input: ScoringInput;
  ipCountry: string | undefined;
  asn: number | undefined;
  usdCents: number;
}

const CHANNELS = ["web", "app", "moto", "pos"] as const;

/** 1 when both countries are known and differ, 0 when they match, -1 when either is unknown. */
const mismatch = (a: string | undefined, b: string | undefined) => (a === undefined || b === undefined ? -1 : a === b ? 0 : 1);

const INPUT_FEATURES: InputFeature[] = [
  { name: "amount_usd_log", group: "transaction", description: "log1p(amount in USD)", reason: sides("high_amount", "low_amount"), compute: (d) => Math.log1p(d.usdCents / 100) },
  {
    name: "amount_round",
    group: "transaction",
    description: "amount is a whole number of major units (1/0)",
    reason: byValue("round_amount", { "1": "round_amount", "0": "non_round_amount" }),
    compute: ({ input: { tx } }) => (tx.amount % 10 ** CURRENCIES[tx.currency].exponent === 0 ? 1 : 0),
  },
  {
    name: "mcc_group",
    group: "transaction",
    description: "merchant category group index (src/features/mcc.ts; -1: no MCC)",
    reason: byValue("merchant_category", { "-1": "merchant_category_not_provided" }),
    compute: ({ input: { tx } }) => {
      const g = mccGroup(tx.merchant.category);
      return g === undefined ? -1 : mccGroupIndex(g);
    },
  },
  {
    name: "mcc_high_risk",
    group: "transaction",
    description: "merchant category is high-risk (1/0, -1: no MCC)",
    reason: byValue("merchant_category", { "1": "high_risk_category", "0": "merchant_category", "-1": "merchant_category_not_provided" }),
    compute: ({ input: { tx } }) => {
      const g = mccGroup(tx.merchant.category);
      return g === undefined ? -1 : isHighRiskMcc(g) ? 1 : 0;
    },
  },
  {
    name: "channel",
    group: "transaction",
    description: "0 web, 1 app, 2 moto, 3 pos (-1: not given)",
    reason: byValue("channel_not_provided", { "-1": "channel_not_provided", ...Object.fromEntries(CHANNELS.map((c, i) => [String(i), `channel_${c}`])) }),
    compute: ({ input: { tx } }) => (tx.channel === undefined ? -1 : CHANNELS.indexOf(tx.channel)),
  },
  { name: "local_hour", group: "transaction", description: "hour of day in the merchant's time zone", reason: byValue("unusual_hour", {}), compute: ({ input }) => localTime(input.claimedAt ?? input.t, input.tx.merchant.timezone).hour },
  { name: "local_dow", group: "transaction", description: "day of week in the merchant's time zone (0 = Sunday)", reason: byValue("unusual_day", {}), compute: ({ input }) => localTime(input.claimedAt ?? input.t, input.tx.merchant.timezone).dow },
  { name: "billing_shipping_mismatch", group: "transaction", description: "billing vs shipping country (1 differ, 0 same, -1 unknown)", reason: comparison("billing_shipping_mismatch", "billing_shipping_match", "billing_or_shipping_country_missing"), compute: ({ input: { tx } }) => mismatch(tx.billing_country, tx.shipping_country) },
  { name: "card_ip_country_mismatch", group: "transaction", description: "card (BIN) country vs network country", reason: comparison("card_ip_country_mismatch", "card_ip_country_match", "card_or_ip_country_unknown"), compute: (d) => mismatch(d.input.tx.card.country, d.ipCountry) },
  { name: "billing_ip_country_mismatch", group: "transaction", description: "billing country vs network country", reason: comparison("billing_ip_country_mismatch", "billing_ip_country_match", "billing_or_ip_country_unknown"), compute: (d) => mismatch(d.input.tx.billing_country, d.ipCountry) },
  { name: "shipping_ip_country_mismatch", group: "transaction", description: "shipping country vs network country", reason: comparison("shipping_ip_country_mismatch", "shipping_ip_country_match", "shipping_or_ip_country_unknown"), compute: (d) => mismatch(d.input.tx.shipping_country, d.ipCountry) },
  { name: "cross_border", group: "transaction", description: "card country vs merchant country", reason: comparison("cross_border", "domestic_card", "card_or_merchant_country_unknown"), compute: ({ input: { tx } }) => mismatch(tx.card.country, tx.merchant.country) },
  {
    name: "account_age_days_log",
    group: "transaction",
    description: "log1p(customer account age in days) (-1: unknown)",
    reason: sides("established_account", "new_account", { values: { "-1": "account_age_not_provided" }, fixed: threshold(Math.log1p(30)) }),
    compute: ({ input: { tx } }) => (tx.customer?.account_age_days === undefined ? -1 : Math.log1p(tx.customer.account_age_days)),
  },
  {
    name: "email_domain_risk",
    group: "transaction",
    description: "0 other, 1 free webmail, 2 disposable (-1: unknown)",
    reason: byValue("other_email_domain", { "0": "other_email_domain", "1": "free_email_domain", "2": "disposable_email_domain", "-1": "email_domain_not_provided" }),
    compute: ({ input: { tx } }) => {
      const d = tx.customer?.email_domain?.toLowerCase();
      return d === undefined ? -1 : DISPOSABLE_EMAIL_DOMAINS.has(d) ? 2 : FREE_EMAIL_DOMAINS.has(d) ? 1 : 0;
    },
  },
  {
    name: "asn_hosting",
    group: "edge",
    description: "the network is a hosting / cloud provider (1/0, -1: unknown)",
    reason: byValue("hosting_network", { "1": "hosting_network", "0": "consumer_network", "-1": "network_unknown" }),
    compute: (d) => (d.asn === undefined ? -1 : HOSTING_ASNS.has(d.asn) ? 1 : 0),
  },
];

const BEHAVIOUR_FEATURES = ENTITY_KINDS.flatMap((kind) =>
  behaviourFeatures(kind).map((f) => ({ kind, feature: f })),
);

export const FEATURES: readonly FeatureInfo[] = [
  ...INPUT_FEATURES.map(({ compute: _c, ...info }) => info),
  ...BEHAVIOUR_FEATURES.map(({ kind, feature }) => ({
    name: `${kind}_${feature.suffix}`,
    group: "behaviour" as const,
    description: `${kind}: ${feature.description}`,
    reason: prefixed(`${kind}_`, feature.reason),
    entity: kind,
  })),
];
export const FEATURE_NAMES: readonly string[] = FEATURES.map((f) => f.name);
/** Every reason code a score can report (docs/reasons.md). */
export const REASON_CODES: readonly string[] = allReasonCodes(FEATURES.map((f) => f.reason), ENTITY_KINDS);
export const FEATURE_COUNT = FEATURES.length;

/** The network country and ASN: the caller's word for the shopper if given, else what the edge saw. */
function derive(input: ScoringInput): Derived {
  const { tx, edge } = input;
  return {
    input,
    ipCountry: tx.device?.ip_country ?? edge.country,
    asn: tx.device?.asn ?? edge.asn,
    usdCents: toUsdCents(tx.amount, tx.currency),
  };
}

/** The entity ids a transaction touches; an entity the transaction does not name is absent. */
export function entityIds(tx: Transaction): Partial<Record<EntityKind, string>> {
  const ids: Partial<Record<EntityKind, string>> = { card: tx.card.fingerprint };
  if (tx.device?.id) ids.device = tx.device.id;
  // One spelling per address: `2001:DB8::1` and `2001:db8:0::1` are one network.
  if (tx.device?.ip) ids.ip = canonicalIp(tx.device.ip);
  if (tx.customer?.id) ids.customer = tx.customer.id;
  return ids;
}

/** The event this transaction appends to each of its entities' states. */
export function toBehaviourEvent(input: ScoringInput): BehaviourEvent {
  const d = derive(input);
  return {
    t: input.t,
    id: input.tx.transaction_id,
    amount: d.usdCents,
    merchant: input.tx.merchant.id,
    country: d.ipCountry ?? "",
    card: input.tx.card.fingerprint,
    device: input.tx.device?.id ?? "",
  };
}

/**
 * The model's input row. `states` holds each named entity's state *before* this transaction (an entity never
 * seen has the empty state); entities the transaction does not name get -1 for all their features.
 */
export function buildFeatureVector(
  input: ScoringInput,
  states: Partial<Record<EntityKind, EntityState>>,
  out: Float32Array = new Float32Array(FEATURE_COUNT),
  offset = 0,
): Float32Array {
  const d = derive(input);
  const event = toBehaviourEvent(input);
  const ids = entityIds(input.tx);
  let i = offset;
  for (const f of INPUT_FEATURES) out[i++] = f.compute(d);
  for (const kind of ENTITY_KINDS) {
    const feats = behaviourFeatures(kind);
    const state = states[kind];
    if (ids[kind] === undefined || state === undefined) {
      for (let k = 0; k < feats.length; k++) out[i++] = -1;
      continue;
    }
    const ctx = { state, event };
    const w = windows(ctx);
    for (const f of feats) out[i++] = f.compute(w, ctx);
  }
  return out;
}
