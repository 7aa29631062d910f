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
