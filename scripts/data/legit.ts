import { localTime } from "../../src/features/calendar";
import { DAY_MS, MINUTE_MS } from "../../src/features/state";
import type { Transaction } from "../../src/schemas/transaction";
import type { Actor, World } from "./context";
import { colo, ipv4, pooledIp } from "./network";
import { COUNTRY_PICKER, newDevice, type Customer, type Device, type Merchant } from "./population";
import { WeightedPicker, type Rng } from "./prng";
import { deviceBlock, isoTime, labelArrival, price, type Network, type StreamRecord } from "./record";
import { CATEGORIES, HOURLY, MCC_MEDIAN_USD, PEAK_ACTIVITY, WEEKLY, type Category } from "./world";

/**
 * A legitimate shopper: buys at a Poisson rate shaped by the local hour and weekday, mostly from favourite
 * merchants at home, sometimes travels, changes phones, pays through a VPN, shares a household network and
 * tablet — the ordinary behaviour that makes fraud features noisy.
 */
const CATEGORY_PICKER = new WeightedPicker(CATEGORIES, CATEGORIES.map((c) => c.share));
const TRIP_START = 0.02;
const SESSION_START = 0.07;
const CGNAT_POOL = 1500;
const GUEST_CHECKOUT = 0.15;

export class Shopper implements Actor {
  next: number;

  constructor(
    private readonly c: Customer,
    private readonly world: World,
  ) {
    this.next = this.arrivalAfter(c.start, world.rng);
  }

  /** Thinning: candidate times at peak rate, kept with probability activity(t) / peak. */
  private arrivalAfter(from: number, rng: Rng): number {
    const meanGap = DAY_MS / (this.c.rate * PEAK_ACTIVITY);
    let t = from;
    for (;;) {
      t += rng.exponential(meanGap);
      const { hour, dow } = localTime(t, this.c.zone);
      if (rng.next() * PEAK_ACTIVITY < HOURLY[hour]! * WEEKLY[dow]!) return t;
    }
  }

  emit(): StreamRecord {
    const w = this.world;
    const { rng } = w;
    const c = this.c;
    const t = Math.floor(this.next);
    if (c.trip && t > c.trip.until) c.trip = null;
    if (!c.trip && rng.chance(TRIP_START)) {
      let dest = COUNTRY_PICKER.pick(rng);
      while (dest === c.country) dest = COUNTRY_PICKER.pick(rng);
      c.trip = { country: dest, until: t + rng.uniform(2, 12) * DAY_MS };
    }
    if (rng.chance(0.002)) c.phone = newDevice(rng, "phone");
    // cards are reissued (expiry, loss) and new ones added: a never-seen card is not by itself suspicious
    if (rng.chance(0.002)) c.cards[rng.int(0, c.cards.length - 1)] = w.issuers.newCard(rng, c.cards[0]!.tx.country);
    // a card closed after confirmed fraud is replaced
    c.cards.forEach((card, i) => {
      if (card.blockedAt !== undefined && card.blockedAt <= t) c.cards[i] = w.issuers.newCard(rng, card.tx.country);
    });
    if (rng.chance(0.0005)) c.household.homeIp = ipv4(c.household.homeAsn, rng);

    let merchant: Merchant;
    if (c.sessionLeft > 0 && c.sessionMerchant) {
      merchant = c.sessionMerchant;
      c.sessionLeft--;
    } else {
      merchant = this.chooseMerchant(rng);
      if (merchant.online && rng.chance(SESSION_START)) {
        c.sessionLeft = rng.int(1, 3);
        c.sessionMerchant = merchant;
      }
    }
    const record = this.purchase(w, t, merchant);
    this.next = c.sessionLeft > 0 ? t + 20_000 + rng.exponential(4 * MINUTE_MS) : this.arrivalAfter(t, rng);
    return record;
  }

  private chooseMerchant(rng: Rng): Merchant {
    const c = this.c;
    const cat = CATEGORY_PICKER.pick(rng);
    const online = rng.chance(Math.min(1, cat.online * c.onlineBias));
    const abroad = c.trip !== null && !online && rng.chance(0.8);
    const where = abroad ? c.trip!.country.code : c.country.code;
    if (online && rng.chance(0.3)) return this.favourite(rng, cat, online, "*", () => rng.pick(this.world.merchants.global(cat.group)));
    const local = this.world.merchants.local(where, cat.group, online) ?? this.world.merchants.local(where, cat.group, !online);
    if (!local) return rng.pick(this.world.merchants.global(cat.group));
    if (abroad) return rng.pick(local);
    return this.favourite(rng, cat, online, where, () => rng.pick(local));
  }

  /** Shoppers go back to the same few merchants: 80% of purchases in a category are at one of up to three. */
  private favourite(rng: Rng, cat: Category, online: boolean, where: string, fresh: () => Merchant): Merchant {
    const key = `${where}|${cat.group}|${online ? 1 : 0}`;
    let list = this.c.favourites.get(key);
    if (!list) this.c.favourites.set(key, (list = []));
    if (list.length > 0 && (list.length >= 3 || rng.chance(0.8))) return rng.pick(list);
    const m = fresh();
    list.push(m);
    return m;
  }

  private purchase(w: World, t: number, merchant: Merchant): StreamRecord {
    const { rng } = w;
    const c = this.c;
    const cat = merchant.category;
    const card = this.chooseCard(rng);
    const median = (MCC_MEDIAN_USD[merchant.tx.category!] ?? cat.medianUsd) * c.spend;
    const usd = rng.logNormal(median, cat.sigma);
    const currency =
      merchant.country !== c.country.code && merchant.online && c.country.currency && rng.chance(0.5)
        ? c.country.currency
        : merchant.currency;
    const style = cat.price === "charm" && rng.chance(0.3) ? "exact" : cat.price;
    const tx: Transaction = {
      transaction_id: w.ids.next(),
      amount: price(usd, currency, style),
      currency,
      merchant: merchant.tx,
      card: card.tx,
      created_at: isoTime(t),
    };
    let edge: StreamRecord["edge"];
    if (merchant.online) {
      const app = rng.chance(0.45);
      tx.channel = app ? "app" : "web";
      const device = this.chooseDevice(rng, app);
      const net = this.network(rng, device);
      const webChurn = !app && rng.chance(0.015);
      tx.device = deviceBlock(rng, rng.chance(0.92) ? (webChurn ? `dev_${rng.hex(12)}` : device.id) : undefined, net);
      edge = { country: net.country, asn: net.asn, colo: net.colo };
      // guest checkout: no account, at some merchants most of the time
      if (!rng.chance(GUEST_CHECKOUT)) {
        tx.customer = { id: c.id };
        if (rng.chance(0.9)) tx.customer.email_domain = c.email;
        if (rng.chance(0.85)) tx.customer.account_age_days = Math.max(0, Math.floor((t - c.createdAt) / DAY_MS));
      }
      if (rng.chance(0.93)) tx.billing_country = card.tx.country !== c.country.code && rng.chance(0.5) ? c.country.code : card.tx.country;
      if (cat.ships) {
        tx.shipping_country = rng.chance(0.03) ? COUNTRY_PICKER.pick(rng).code : c.trip && rng.chance(0.3) ? c.trip.country.code : c.country.code;
      }
    } else {
      tx.channel = cat.group === "travel" && rng.chance(0.1) ? "moto" : "pos";
      edge = { country: merchant.country, asn: merchant.asn, colo: colo(merchant.country, rng) };
      if (rng.chance(0.12)) tx.customer = { id: c.id };
      if (tx.channel === "moto") tx.billing_country = card.tx.country;
    }
    const risk = (cat.group === "digital_goods" ? 3 : 1) * (usd > 150 ? 2 : 1);
    const friendly = rng.chance(0.0004 * risk);
    if (!friendly) return { tx, edge, t, label: 0, typology: "legit" };
    const arrival = labelArrival(tx.transaction_id, t, true);
    card.blockedAt = Math.min(card.blockedAt ?? Infinity, arrival.label_at);
    return { tx, edge, t, label: 1, typology: "friendly_fraud", ...arrival };
  }

  private chooseCard(rng: Rng) {
    const c = this.c;
    const members = c.household.members;
    if (members.length > 1 && rng.chance(0.02)) return rng.pick(members).cards[0]!;
    return c.cards.length === 1 || rng.chance(0.72) ? c.cards[0]! : rng.pick(c.cards);
  }

  private chooseDevice(rng: Rng, app: boolean): Device {
    const c = this.c;
    const tablet = c.household.tablet;
    if (tablet && rng.chance(app ? 0.2 : 0.15)) return tablet;
    if (app) return c.phone;
    return c.computer && rng.chance(0.6) ? c.computer : c.phone;
  }

  private network(rng: Rng, device: Device): Network {
    const c = this.c;
    let ip: string;
    let asn: number;
    let where: string;
    if (c.vpn && rng.chance(0.4)) {
      asn = c.vpn.asn;
      where = c.vpn.country;
      ip = ipv4(asn, rng);
    } else if (c.trip && (device.kind !== "phone" || rng.chance(0.5))) {
      // hotel or café wifi abroad
      asn = rng.pick(c.trip.country.residential);
      where = c.trip.country.code;
      ip = ipv4(asn, rng);
    } else if (device.kind === "phone" && (c.trip || rng.chance(0.5))) {
      // on the carrier's network (roaming traffic exits at home)
      asn = c.mobileAsn;
      where = c.country.code;
      ip = pooledIp(asn, rng.int(0, CGNAT_POOL - 1));
    } else if (device.kind === "computer" && rng.chance(0.12)) {
      // work or a café at home
      asn = rng.pick(c.country.residential);
      where = c.country.code;
      ip = ipv4(asn, rng);
    } else {
      asn = c.household.homeAsn;
      where = c.country.code;
      ip = c.household.homeIp;
    }
    return { ip, asn, country: where, colo: colo(where, rng) };
  }
}
