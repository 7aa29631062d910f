import { CURRENCIES, type CurrencyCode } from "../../src/schemas/iso";
import { MAX_AMOUNT_MINOR, type EdgeContext, type Transaction } from "../../src/schemas/transaction";
import type { Rng } from "./prng";
import type { PriceStyle } from "./world";

/** The mechanism that generated a row. `label` is what the chargeback / fraud-report process said about it. */
export const TYPOLOGIES = [
  "legit",
  "card_testing",
  "account_takeover",
  "bust_out",
  "geo_mismatch",
  "friendly_fraud",
] as const;
export type Typology = (typeof TYPOLOGIES)[number];

/** One labelled payment of the stream: what the scorer is sent, what the edge saw, when, and the outcome. */
export interface StreamRecord {
  tx: Transaction;
  edge: Required<Omit<EdgeContext, "ip">>;
  /** Event time, ms since the epoch (equals tx.created_at). */
  t: number;
  label: 0 | 1;
  typology: Typology;
  /** Fraud rows: when the label comes back (ms), and from where — an early fraud warning within days, a chargeback weeks later. */
  label_at?: number;
  label_source?: FraudLabelSource;
}

export type FraudLabelSource = "early_fraud_warning" | "chargeback";

/**
 * When a fraud row's label comes back, drawn from its id alone (not the world's random stream, so the delays move no
 * transaction): a campaign's rows are reported by an early fraud warning (40 %,
 * 1–10 days) or a chargeback (14–75 days); a friendly-fraud dispute is a chargeback, 20–60 days.
 */
export function labelArrival(id: string, t: number, friendly: boolean): { label_at: number; label_source: FraudLabelSource } {
  const [a, b] = [unitHash(id, 1), unitHash(id, 2)];
  if (friendly) return { label_at: Math.floor(t + (20 + 40 * b) * DAY), label_source: "chargeback" };
  return a < 0.4
    ? { label_at: Math.floor(t + (1 + 9 * b) * DAY), label_source: "early_fraud_warning" }
    : { label_at: Math.floor(t + (14 + 61 * b) * DAY), label_source: "chargeback" };
}

const DAY = 24 * 3600_000;

/** FNV-1a of the salt and the id, through murmur3's finaliser (so two salts give independent draws), in [0, 1). */
function unitHash(id: string, salt: number): number {
  let h = 0x811c9dc5;
  const s = `${salt}:${id}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** Turns a USD amount into an integer amount in `currency`'s minor unit, priced the way such shops price. */
export function price(usd: number, currency: CurrencyCode, style: PriceStyle): number {
  const { exponent, usd: rate } = CURRENCIES[currency];
  const scale = 10 ** exponent;
  const major = usd / rate;
  let minor: number;
  if (style === "round") {
    const step = major >= 10 ? 10 ** Math.floor(Math.log10(major) - 1) : 1;
    minor = Math.max(1, Math.round(major / step)) * step * scale;
  } else if (style === "charm") {
    minor = Math.max(1, Math.ceil(major)) * scale - (scale > 1 ? 1 : 0);
  } else {
    minor = Math.max(1, Math.round(major * scale));
  }
  return Math.min(Math.round(minor), MAX_AMOUNT_MINOR);
}

/** Sequential, so ids are unique within a stream and identical across runs with the same seed. */
export class TxIds {
  private n = 0;
  next(): string {
    return `tx_${(this.n++).toString(36).padStart(8, "0")}`;
  }
}

/** The shopper's network as the scorer sees it: in the transaction's device block and/or at the edge. */
export interface Network {
  ip: string;
  asn: number;
  country: string;
  colo: string;
}

/** Callers do not always forward what they know: drop optional device fields at realistic rates. */
export function deviceBlock(rng: Rng, deviceId: string | undefined, net: Network): NonNullable<Transaction["device"]> {
  const d: NonNullable<Transaction["device"]> = {};
  if (deviceId !== undefined) d.id = deviceId;
  d.ip = net.ip;
  if (rng.chance(0.75)) d.ip_country = net.country;
  if (rng.chance(0.85)) d.asn = net.asn;
  return d;
}

export const isoTime = (t: number) => new Date(t).toISOString();
