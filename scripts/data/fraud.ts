import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../src/features/state";
import type { CurrencyCode } from "../../src/schemas/iso";
import type { Transaction } from "../../src/schemas/transaction";
import type { Actor, World } from "./context";
import { colo, ipv4 } from "./network";
import { COUNTRY_PICKER, hostingExit, randomEmail, type Card, type Customer, type Merchant } from "./population";
import { WeightedPicker, type Rng } from "./prng";
import { deviceBlock, isoTime, labelArrival, price, type Network, type StreamRecord, type Typology } from "./record";
import { FRAUDSTER_COUNTRIES, country, type MccGroupName, type PriceStyle } from "./world";

/**
 * Fraud typologies as campaigns: each is an actor that emits a scripted run of transactions. How each shows in
 * the features is documented in docs/fraud-typologies.md — keep the two in step.
 */
const FRAUDSTER_PICKER = new WeightedPicker(FRAUDSTER_COUNTRIES.map(([c]) => c), FRAUDSTER_COUNTRIES.map(([, w]) => w));
/** Share of campaigns nobody ever reports (their rows are labelled legitimate), and of single rows missed. */
const UNREPORTED_CAMPAIGN: Record<Exclude<Typology, "legit" | "friendly_fraud">, number> = {
  card_testing: 0.06,
  account_takeover: 0.04,
  bust_out: 0.04,
  geo_mismatch: 0.05,
};
const MISSED_ROW = 0.03;
const COMPROMISED_POOL = 5000;
/** Share of campaigns that cash out a card number another ring already used (resold), and that run on a ring's own device. */
const RESOLD_CARD = 0.3;
const RING_DEVICE = 0.3;
const USED_POOL = 5000;

/** Something a ring used before `start` (at least a day before), or undefined. */
function usedBefore<T extends { t: number }>(w: World, pool: T[], start: number): T | undefined {
  for (let i = 0; i < 6 && pool.length > 0; i++) {
    const u = w.rng.pick(pool);
    if (u.t < start - DAY_MS) return u;
  }
  return undefined;
}

function remember<T>(pool: T[], item: T): void {
  if (pool.length >= USED_POOL) pool.shift();
  pool.push(item);
}

/** The campaign's card: a resold one at RESOLD_CARD, else `fresh()`; remembered for later rings either way. */
function campaignCard(w: World, start: number, fresh: () => Card): Card {
  const card = (w.rng.chance(RESOLD_CARD) ? usedBefore(w, w.used.cards, start)?.card : undefined) ?? fresh();
  remember(w.used.cards, { card, t: start });
  return card;
}

/** The campaign's device: a ring's own at RING_DEVICE, else a fresh one; remembered for the ring's next campaigns. */
function campaignDevice(w: World, start: number): string {
  const id = (w.rng.chance(RING_DEVICE) ? usedBefore(w, w.used.devices, start)?.id : undefined) ?? `dev_${w.rng.hex(12)}`;
  remember(w.used.devices, { id, t: start });
  return id;
}

function residential(rng: Rng, countryCode: string): Network {
  const asn = rng.pick(country(countryCode).residential);
  return { ip: ipv4(asn, rng), asn, country: countryCode, colo: colo(countryCode, rng) };
}

function hosting(rng: Rng, exit = hostingExit(rng)): Network {
  return { ip: ipv4(exit.asn, rng), asn: exit.asn, country: exit.country, colo: colo(exit.country, rng) };
}

function otherCountry(rng: Rng, not: string): string {
  let c = FRAUDSTER_PICKER.pick(rng);
  while (c === not) c = FRAUDSTER_PICKER.pick(rng);
  return c;
}

function onlineMerchant(w: World, groups: readonly MccGroupName[], near: string): Merchant {
  const group = w.rng.pick(groups);
  const local = w.rng.chance(0.5) ? w.merchants.local(near, group, true) : undefined;
  return w.rng.pick(local ?? w.merchants.global(group));
}

/** A customer who was already shopping at `t`: the victim of a takeover or the owner of a stolen card. */
function victim(w: World, t: number): Customer {
  for (;;) {
    const c = w.rng.pick(w.customers);
    if (c.start <= t) return c;
  }
}

abstract class Campaign implements Actor {
  next: number;
  private left: number;
  private readonly reported: boolean;

  constructor(
    protected readonly w: World,
    start: number,
    count: number,
    protected readonly typology: Exclude<Typology, "legit" | "friendly_fraud">,
  ) {
    this.next = start;
    this.left = count;
    this.reported = !w.rng.chance(UNREPORTED_CAMPAIGN[typology]);
  }

  emit(): StreamRecord {
    const t = Math.floor(this.next);
    const { tx, net, card } = this.attempt(t);
    this.left--;
    this.next = this.left > 0 ? t + 1000 + this.gap() : Infinity;
    const edge = { country: net.country, asn: net.asn, colo: net.colo };
    if (!this.reported || this.w.rng.chance(MISSED_ROW)) return { tx, edge, t, label: 0, typology: this.typology };
    const arrival = labelArrival(tx.transaction_id, t, false);
    // Once confirmed, the issuer closes the card: its holder shops with a new one (legit.ts); fraudsters may still try it.
    card.blockedAt = Math.min(card.blockedAt ?? Infinity, arrival.label_at);
    return { tx, edge, t, label: 1, typology: this.typology, ...arrival };
  }

  protected abstract attempt(t: number): { tx: Transaction; net: Network; card: Card };
  /** Milliseconds to the next attempt. */
  protected abstract gap(): number;

  protected online(
    t: number,
    merchant: Merchant,
    card: Card,
    usd: number,
    style: PriceStyle,
    deviceId: string,
    net: Network,
    currency: CurrencyCode = merchant.currency,
  ): Transaction {
    const { rng } = this.w;
    return {
      transaction_id: this.w.ids.next(),
      amount: price(usd, currency, style),
      currency,
      merchant: merchant.tx,
      card: card.tx,
      device: deviceBlock(rng, rng.chance(0.95) ? deviceId : undefined, net),
      channel: rng.chance(0.8) ? "web" : "app",
      created_at: isoTime(t),
    };
  }
}

/** Many small authorisations to find out which cards work: one device, many cards (or one card, many tries). */
export class CardTesting extends Campaign {
  static readonly meanRows = 36;
  private readonly merchant: Merchant;
  private readonly devices: string[];
  private readonly exit: { asn: number; country: string } | null;
  private readonly manyCards: boolean;
  private readonly guest: "none" | "throwaway" | "single";
  private readonly account = `cus_${this.w.rng.hex(10)}`;
  private readonly bot: boolean;
  /** Low and slow: a fresh device and proxy per attempt, minutes apart — nothing links the attempts. */
  private readonly distributed: boolean;
  private card: Card;

  constructor(w: World, start: number) {
    const { rng } = w;
    const distributed = rng.chance(0.25);
    const manyCards = distributed || rng.chance(0.7);
    super(w, start, manyCards ? rng.int(10, 70) : rng.int(5, 25), "card_testing");
    this.distributed = distributed;
    this.manyCards = manyCards;
    this.merchant = onlineMerchant(w, ["digital_goods", "digital_goods", "other", "retail"], COUNTRY_PICKER.pick(rng).code);
    this.devices = Array.from({ length: rng.chance(0.3) ? 3 : 1 }, (_, i) => (i === 0 ? campaignDevice(w, start) : `dev_${rng.hex(12)}`));
    this.exit = rng.chance(0.55) ? hostingExit(rng) : null;
    this.guest = rng.pick(["none", "none", "none", "none", "none", "throwaway", "throwaway", "throwaway", "single", "single"]);
    this.bot = rng.chance(0.7);
    this.card = campaignCard(w, start, () => this.stolenCard());
  }

  private stolenCard(): Card {
    const { rng } = this.w;
    const card = rng.chance(0.75) ? this.w.issuers.newCard(rng, COUNTRY_PICKER.pick(rng).code) : rng.pick(rng.pick(this.w.customers).cards);
    if (rng.chance(0.4)) {
      if (this.w.compromised.length >= COMPROMISED_POOL) this.w.compromised.shift();
      this.w.compromised.push(card);
    }
    return card;
  }

  protected attempt(t: number) {
    const { rng } = this.w;
    if (this.manyCards && (this.distributed || rng.chance(0.75))) this.card = this.stolenCard();
    // rotating residential proxies when not on a hosting exit
    const net = this.exit && !this.distributed ? hosting(rng, this.exit) : residential(rng, COUNTRY_PICKER.pick(rng).code);
    const device = this.distributed ? `dev_${rng.hex(12)}` : rng.pick(this.devices);
    const tx = this.online(t, this.merchant, this.card, rng.uniform(0.5, 3), rng.chance(0.5) ? "round" : "exact", device, net);
    if (rng.chance(0.6)) tx.billing_country = this.card.tx.country;
    if (this.guest !== "none") {
      const throwaway = this.guest === "throwaway";
      tx.customer = {
        id: throwaway ? `cus_${rng.hex(10)}` : this.account,
        email_domain: randomEmail(rng, 0.6),
        account_age_days: 0,
      };
    }
    return { tx, net, card: this.card };
  }

  protected gap(): number {
    return this.w.rng.exponential(this.distributed ? 6 * MINUTE_MS : this.bot ? 15_000 : 90_000);
  }
}

/** A fraudster logs into a real customer's account: new device, usually a new country, big-ticket goods. */
export class AccountTakeover extends Campaign {
  static readonly meanRows = 2.5;
  private readonly victim: Customer;
  private readonly device: string;
  private readonly net: () => Network;
  private readonly shipTo: string;

  constructor(w: World, start: number) {
    const { rng } = w;
    super(w, start, rng.int(1, 4), "account_takeover");
    const v = (this.victim = victim(w, start));
    const home = v.country.code;
    const where = rng.next();
    if (where < 0.2) {
      // remote-access malware or a hijacked session: the victim's own device and home network
      this.device = v.phone.id;
      const h = v.household;
      const fixed = { ip: h.homeIp, asn: h.homeAsn, country: home, colo: colo(home, rng) };
      this.net = () => fixed;
    } else {
      this.device = campaignDevice(w, start);
      const fixed = where < 0.55 ? residential(rng, otherCountry(rng, home)) : where < 0.8 ? hosting(rng) : residential(rng, home);
      this.net = () => (rng.chance(0.8) ? fixed : { ...fixed, ip: ipv4(fixed.asn, rng) });
    }
    this.shipTo = rng.chance(0.5) ? otherCountry(rng, home) : home;
  }

  protected attempt(t: number) {
    const { rng } = this.w;
    const v = this.victim;
    const merchant = onlineMerchant(this.w, ["electronics", "electronics", "digital_goods", "luxury", "money_transfer"], v.country.code);
    const net = this.net();
    const tx = this.online(t, merchant, v.cards[0]!, rng.logNormal(550, 0.7), rng.chance(0.5) ? "round" : "charm", this.device, net);
    tx.customer = { id: v.id, email_domain: v.email, account_age_days: Math.max(0, Math.floor((t - v.createdAt) / DAY_MS)) };
    tx.billing_country = v.cards[0]!.tx.country;
    if (merchant.category.ships) tx.shipping_country = this.shipTo;
    return { tx, net, card: v.cards[0]! };
  }

  protected gap(): number {
    return this.w.rng.exponential(25 * MINUTE_MS);
  }
}

/** A stolen card cashed out: a fresh account spends more and more, faster and faster, until the card is blocked. */
export class BustOut extends Campaign {
  static readonly meanRows = 9;
  private readonly card: Card;
  private readonly account = `cus_${this.w.rng.hex(10)}`;
  private readonly email: string;
  private readonly createdAt: number;
  private readonly device: string;
  private readonly home: Network;
  private readonly dropCountry: string;
  private usd: number;
  private readonly growth: number;
  private meanGap: number;
  private readonly acceleration: number;
  private step = 0;

  constructor(w: World, start: number) {
    const { rng } = w;
    super(w, start, rng.int(4, 14), "bust_out");
    this.card = campaignCard(w, start, () =>
      w.compromised.length > 0 && rng.chance(0.5)
        ? w.compromised.splice(rng.int(0, w.compromised.length - 1), 1)[0]!
        : rng.pick(victim(w, start).cards),
    );
    this.device = campaignDevice(w, start);
    const cardCountry = this.card.tx.country;
    const where = rng.next();
    this.home = where < 0.5 ? residential(rng, otherCountry(rng, cardCountry)) : where < 0.85 ? residential(rng, cardCountry) : hosting(rng);
    this.dropCountry = rng.chance(0.6) ? cardCountry : this.home.country;
    this.email = randomEmail(rng, 0.3);
    this.createdAt = start - rng.uniform(0, 5) * DAY_MS;
    this.usd = rng.uniform(15, 45);
    // most cash out within hours; some go low and slow over days to stay under velocity rules
    const slow = rng.chance(0.35);
    this.growth = slow ? rng.uniform(1.08, 1.3) : rng.uniform(1.2, 1.6);
    this.meanGap = (slow ? rng.uniform(8, 24) : rng.uniform(1, 4)) * HOUR_MS;
    this.acceleration = slow ? 0.9 : 0.7;
  }

  protected attempt(t: number) {
    const { rng } = this.w;
    const groups: MccGroupName[] = this.step < 3 ? ["digital_goods", "retail", "restaurant"] : ["electronics", "money_transfer", "gambling", "luxury", "digital_goods"];
    const merchant = onlineMerchant(this.w, groups, this.card.tx.country);
    const net = rng.chance(0.85) ? this.home : { ...this.home, ip: ipv4(this.home.asn, rng) };
    const tx = this.online(t, merchant, this.card, Math.min(5000, this.usd * rng.uniform(0.8, 1.2)), rng.chance(0.4) ? "round" : "charm", this.device, net);
    tx.customer = { id: this.account, email_domain: this.email, account_age_days: Math.floor((t - this.createdAt) / DAY_MS) };
    if (rng.chance(0.7)) tx.billing_country = this.card.tx.country;
    if (merchant.category.ships) tx.shipping_country = this.dropCountry;
    this.usd *= this.growth;
    this.step++;
    return { tx, net, card: this.card };
  }

  protected gap(): number {
    const g = this.w.rng.exponential(this.meanGap);
    this.meanGap *= this.acceleration;
    return g;
  }
}

/** Triangulation: a card from country A, a shopper's network in country B, goods shipped to country C. */
export class GeoMismatch extends Campaign {
  static readonly meanRows = 2;
  private readonly card: Card;
  private readonly net: Network;
  private readonly shipTo: string;
  private readonly account = `cus_${this.w.rng.hex(10)}`;
  private readonly email: string;
  private readonly ageDays: number;
  private readonly device: string;

  constructor(w: World, start: number) {
    const { rng } = w;
    super(w, start, rng.int(1, 3), "geo_mismatch");
    this.card = campaignCard(w, start, () => (rng.chance(0.7) ? w.issuers.newCard(rng, COUNTRY_PICKER.pick(rng).code) : rng.pick(victim(w, start).cards)));
    this.device = campaignDevice(w, start);
    const a = this.card.tx.country;
    const where = rng.next();
    // a residential proxy in the card's own country hides all but the shipping address
    this.net = where < 0.3 ? residential(rng, a) : where < 0.8 ? residential(rng, otherCountry(rng, a)) : hosting(rng);
    this.shipTo = rng.chance(0.5) ? otherCountry(rng, a) : rng.pick(["US", "GB", "DE", "NL"]);
    this.email = randomEmail(rng, 0.25);
    this.ageDays = rng.chance(0.5) ? 0 : rng.int(1, 30);
  }

  protected attempt(t: number) {
    const { rng } = this.w;
    const merchant = onlineMerchant(this.w, ["electronics", "luxury", "retail"], this.shipTo);
    const tx = this.online(t, merchant, this.card, rng.logNormal(320, 0.8), rng.chance(0.5) ? "charm" : "round", this.device, this.net);
    tx.customer = { id: this.account, email_domain: this.email, account_age_days: this.ageDays };
    tx.billing_country = this.card.tx.country;
    tx.shipping_country = this.shipTo;
    return { tx, net: this.net, card: this.card };
  }

  protected gap(): number {
    return this.w.rng.exponential(12 * MINUTE_MS);
  }
}

/** How often each campaign runs, as a share of the stream's rows. */
export const CAMPAIGNS = [
  { make: (w: World, t: number) => new CardTesting(w, t), meanRows: CardTesting.meanRows, share: 0.0035 },
  { make: (w: World, t: number) => new AccountTakeover(w, t), meanRows: AccountTakeover.meanRows, share: 0.002 },
  { make: (w: World, t: number) => new BustOut(w, t), meanRows: BustOut.meanRows, share: 0.0025 },
  { make: (w: World, t: number) => new GeoMismatch(w, t), meanRows: GeoMismatch.meanRows, share: 0.0015 },
] as const;
