import type { CurrencyCode } from "../../src/schemas/iso";
import type { Transaction } from "../../src/schemas/transaction";
import { DAY_MS } from "../../src/features/state";
import { ipv4 } from "./network";
import { Rng, WeightedPicker } from "./prng";
import {
  CATEGORIES, COUNTRIES, DISPOSABLE_EMAIL, FREE_EMAIL, HOSTING_NETWORKS, OTHER_EMAIL, country,
  type Category, type Country, type MccGroupName,
} from "./world";

/** The cast of the synthetic world: merchants, households, customers, their cards and devices. */
export interface Merchant {
  id: string;
  country: string;
  category: Category;
  online: boolean;
  currency: CurrencyCode;
  /** Network of a card-present merchant's terminals. */
  asn: number;
  /** The object every transaction at this merchant carries (shared: never mutate). */
  tx: Transaction["merchant"];
}

export interface Card {
  tx: Transaction["card"] & { country: string };
  /** When confirmed fraud on it came back: the issuer closes it, and its holder shops with a new one after. */
  blockedAt?: number;
}

export type DeviceKind = "phone" | "computer" | "tablet";
export interface Device {
  id: string;
  kind: DeviceKind;
}

export interface Household {
  country: Country;
  homeAsn: number;
  homeIp: string;
  tablet: Device | null;
  members: Customer[];
}

export interface Trip {
  country: Country;
  until: number;
}

export interface Customer {
  id: string;
  household: Household;
  country: Country;
  zone: string;
  email: string;
  /** Account creation time (ms); may be years before the stream starts. */
  createdAt: number;
  /** When the customer starts shopping in the stream. */
  start: number;
  cards: Card[];
  phone: Device;
  computer: Device | null;
  /** Mean purchases per day. */
  rate: number;
  /** Multiplies every ticket: some people spend more. */
  spend: number;
  onlineBias: number;
  mobileAsn: number;
  /** A VPN exit some customers pay through, which looks like a hosting network. */
  vpn: { asn: number; country: string } | null;
  trip: Trip | null;
  favourites: Map<string, Merchant[]>;
  /** Purchases still to come in the current shopping session. */
  sessionLeft: number;
  sessionMerchant: Merchant | null;
}

export const COUNTRY_PICKER = new WeightedPicker(
  COUNTRIES.filter((c) => c.weight > 0),
  COUNTRIES.filter((c) => c.weight > 0).map((c) => c.weight),
);

const ONLINE_HUBS = ["US", "GB", "IE", "NL", "DE"];

export class MerchantIndex {
  private readonly byKey = new Map<string, Merchant[]>();
  private readonly globalOnline = new Map<MccGroupName, Merchant[]>();
  readonly all: Merchant[] = [];

  add(m: Merchant): void {
    const key = MerchantIndex.key(m.country, m.category.group, m.online);
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = []));
    list.push(m);
    this.all.push(m);
    if (m.online && ONLINE_HUBS.includes(m.country)) {
      let g = this.globalOnline.get(m.category.group);
      if (!g) this.globalOnline.set(m.category.group, (g = []));
      g.push(m);
    }
  }

  local(countryCode: string, group: MccGroupName, online: boolean): Merchant[] | undefined {
    return this.byKey.get(MerchantIndex.key(countryCode, group, online));
  }

  global(group: MccGroupName): Merchant[] {
    return this.globalOnline.get(group) ?? [];
  }

  private static key(c: string, g: string, online: boolean) {
    return `${c}|${g}|${online ? 1 : 0}`;
  }
}

function makeMerchant(rng: Rng, c: Country, category: Category, online: boolean): Merchant {
  const currency: CurrencyCode = c.currency ?? "USD";
  const zone = rng.pick(c.zones);
  const mcc = rng.pick(category.mccs);
  return {
    id: `m_${rng.hex(10)}`,
    country: c.code,
    category,
    online,
    currency,
    asn: rng.pick(c.residential),
    tx: { id: "", category: mcc, country: c.code, timezone: zone },
  };
}

/** Every shopper country gets at least one merchant of each kind, then the rest follow country weights. */
export function buildMerchants(rng: Rng, count: number): MerchantIndex {
  const index = new MerchantIndex();
  const add = (m: Merchant) => {
    m.tx.id = m.id;
    index.add(m);
  };
  for (const c of COUNTRIES) {
    if (c.weight === 0) continue;
    for (const cat of CATEGORIES) {
      if (cat.online < 1) add(makeMerchant(rng, c, cat, false));
      if (cat.online > 0) add(makeMerchant(rng, c, cat, true));
    }
  }
  const catPicker = new WeightedPicker(CATEGORIES, CATEGORIES.map((c) => c.share));
  while (index.all.length < count) {
    const cat = catPicker.pick(rng);
    const online = rng.chance(cat.online);
    const c = online && rng.chance(0.3) ? country(rng.pick(ONLINE_HUBS)) : COUNTRY_PICKER.pick(rng);
    add(makeMerchant(rng, c, cat, online));
  }
  return index;
}

/** Issuer BINs per country: a handful of Visa / Mastercard / Amex ranges each. */
export class Issuers {
  private readonly bins = new Map<string, string[]>();

  constructor(rng: Rng) {
    for (const c of COUNTRIES) {
      const list: string[] = [];
      for (let i = 0; i < 8; i++) {
        const brand = rng.pick(["4", "4", "4", "5", "5", "37"]);
        const len = rng.chance(0.2) ? 8 : 6;
        let bin = brand;
        while (bin.length < len) bin += String(rng.int(0, 9));
        list.push(bin);
      }
      this.bins.set(c.code, list);
    }
  }

  newCard(rng: Rng, countryCode: string): Card {
    const tx: Card["tx"] = { fingerprint: `card_fp_${rng.hex(16)}`, country: countryCode };
    if (rng.chance(0.9)) tx.bin = rng.pick(this.bins.get(countryCode)!);
    return { tx };
  }
}

export const newDevice = (rng: Rng, kind: DeviceKind): Device => ({ id: `dev_${rng.hex(12)}`, kind });

export function randomEmail(rng: Rng, disposableShare: number): string {
  if (rng.chance(disposableShare)) return rng.pick(DISPOSABLE_EMAIL);
  return rng.chance(0.62) ? rng.pick(FREE_EMAIL) : rng.pick(OTHER_EMAIL);
}

/** Households of 1–4 shoppers sharing a home network and sometimes a tablet. */
export function buildCustomers(rng: Rng, issuers: Issuers, count: number, t0: number, spanMs: number): Customer[] {
  const customers: Customer[] = [];
  while (customers.length < count) {
    const c = COUNTRY_PICKER.pick(rng);
    const homeAsn = rng.pick(c.residential);
    const size = rng.pick([1, 1, 1, 1, 1, 2, 2, 2, 3, 4]);
    const household: Household = {
      country: c,
      homeAsn,
      homeIp: ipv4(homeAsn, rng),
      tablet: size > 1 && rng.chance(0.4) ? newDevice(rng, "tablet") : null,
      members: [],
    };
    const zone = rng.pick(c.zones);
    for (let i = 0; i < size && customers.length < count; i++) {
      const joins = rng.chance(0.15);
      const start = joins ? t0 + rng.next() * spanMs : t0;
      const createdAt = joins ? start - rng.uniform(0, 2) * DAY_MS : t0 - Math.exp(rng.uniform(0, Math.log(3650))) * DAY_MS;
      const cardCount = rng.pick([1, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
      const cards: Card[] = [];
      for (let k = 0; k < cardCount; k++) cards.push(issuers.newCard(rng, rng.chance(0.96) ? c.code : COUNTRY_PICKER.pick(rng).code));
      const vpn = rng.chance(0.03) ? hostingExit(rng) : null;
      const customer: Customer = {
        id: `cus_${rng.hex(10)}`,
        household,
        country: c,
        zone,
        email: randomEmail(rng, 0.004),
        createdAt,
        start,
        cards,
        phone: newDevice(rng, "phone"),
        computer: rng.chance(0.65) ? newDevice(rng, "computer") : null,
        rate: Math.min(6, rng.logNormal(0.16, 1)),
        spend: rng.logNormal(1, 0.45),
        onlineBias: rng.logNormal(1, 0.5),
        mobileAsn: rng.pick(c.mobile),
        vpn,
        trip: null,
        favourites: new Map(),
        sessionLeft: 0,
        sessionMerchant: null,
      };
      household.members.push(customer);
      customers.push(customer);
    }
  }
  return customers;
}

export function hostingExit(rng: Rng): { asn: number; country: string } {
  const n = rng.pick(HOSTING_NETWORKS);
  return { asn: n.asn, country: rng.pick(n.countries) };
}
