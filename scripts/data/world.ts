import type { CurrencyCode } from "../../src/schemas/iso";

/**
 * The synthetic world's reference tables: countries with their currency, time zones, networks and Cloudflare
 * colos; merchant categories with their price levels. ASNs are real (so hosting-network features behave as in
 * production), IP prefixes are invented.
 */
export interface Country {
  code: string;
  /** Absent for countries that only appear as fraudsters' networks. */
  currency?: CurrencyCode;
  zones: readonly string[];
  /** Relative number of shoppers and merchants. */
  weight: number;
  residential: readonly number[];
  mobile: readonly number[];
  colos: readonly string[];
}

export const COUNTRIES: readonly Country[] = [
  { code: "US", currency: "USD", zones: ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"], weight: 30, residential: [7922, 20115, 7018, 701], mobile: [21928, 22394, 20057], colos: ["IAD", "ORD", "LAX", "DFW", "SJC", "ATL", "SEA", "MIA", "EWR"] },
  { code: "CA", currency: "CAD", zones: ["America/Toronto", "America/Vancouver"], weight: 4, residential: [812, 577, 6327], mobile: [852, 812], colos: ["YYZ", "YVR", "YUL"] },
  { code: "MX", currency: "MXN", zones: ["America/Mexico_City"], weight: 2, residential: [8151], mobile: [28403], colos: ["MEX", "QRO"] },
  { code: "BR", currency: "BRL", zones: ["America/Sao_Paulo"], weight: 3, residential: [28573, 18881], mobile: [26599], colos: ["GRU", "GIG"] },
  { code: "GB", currency: "GBP", zones: ["Europe/London"], weight: 10, residential: [2856, 5089, 5607], mobile: [12576, 25135, 35228], colos: ["LHR", "MAN", "EDI"] },
  { code: "IE", currency: "EUR", zones: ["Europe/Dublin"], weight: 1, residential: [5466], mobile: [15502], colos: ["DUB"] },
  { code: "DE", currency: "EUR", zones: ["Europe/Berlin"], weight: 8, residential: [3320, 3209], mobile: [6805, 3320], colos: ["FRA", "HAM", "MUC", "DUS", "TXL"] },
  { code: "FR", currency: "EUR", zones: ["Europe/Paris"], weight: 6, residential: [3215, 12322, 15557], mobile: [5410, 3215], colos: ["CDG", "MRS"] },
  { code: "ES", currency: "EUR", zones: ["Europe/Madrid"], weight: 4, residential: [3352, 12479], mobile: [12430], colos: ["MAD", "BCN"] },
  { code: "IT", currency: "EUR", zones: ["Europe/Rome"], weight: 4, residential: [3269, 12874], mobile: [30722], colos: ["MXP", "FCO"] },
  { code: "NL", currency: "EUR", zones: ["Europe/Amsterdam"], weight: 3, residential: [1136, 33915], mobile: [50266], colos: ["AMS"] },
  { code: "CH", currency: "CHF", zones: ["Europe/Zurich"], weight: 1, residential: [3303], mobile: [6730], colos: ["ZRH", "GVA"] },
  { code: "SE", currency: "SEK", zones: ["Europe/Stockholm"], weight: 1.5, residential: [3301], mobile: [1257], colos: ["ARN"] },
  { code: "NO", currency: "NOK", zones: ["Europe/Oslo"], weight: 0.8, residential: [2119], mobile: [12929], colos: ["OSL"] },
  { code: "DK", currency: "DKK", zones: ["Europe/Copenhagen"], weight: 0.8, residential: [3292], mobile: [3292], colos: ["CPH"] },
  { code: "PL", currency: "PLN", zones: ["Europe/Warsaw"], weight: 1.5, residential: [5617], mobile: [12912], colos: ["WAW"] },
  { code: "CZ", currency: "CZK", zones: ["Europe/Prague"], weight: 0.7, residential: [5610], mobile: [5610], colos: ["PRG"] },
  { code: "TR", currency: "TRY", zones: ["Europe/Istanbul"], weight: 1, residential: [9121], mobile: [16135], colos: ["IST"] },
  { code: "AE", currency: "AED", zones: ["Asia/Dubai"], weight: 1, residential: [5384], mobile: [15802], colos: ["DXB"] },
  { code: "ZA", currency: "ZAR", zones: ["Africa/Johannesburg"], weight: 1, residential: [37457], mobile: [29975], colos: ["JNB", "CPT"] },
  { code: "IN", currency: "INR", zones: ["Asia/Kolkata"], weight: 3, residential: [9829, 24560], mobile: [55836, 24560], colos: ["BOM", "DEL", "MAA", "BLR"] },
  { code: "SG", currency: "SGD", zones: ["Asia/Singapore"], weight: 1, residential: [3758], mobile: [4657], colos: ["SIN"] },
  { code: "HK", currency: "HKD", zones: ["Asia/Hong_Kong"], weight: 1, residential: [4760, 9269], mobile: [4760], colos: ["HKG"] },
  { code: "JP", currency: "JPY", zones: ["Asia/Tokyo"], weight: 4, residential: [4713, 2516], mobile: [17676, 2516], colos: ["NRT", "KIX"] },
  { code: "KR", currency: "KRW", zones: ["Asia/Seoul"], weight: 1.5, residential: [4766, 9318], mobile: [4766], colos: ["ICN"] },
  { code: "AU", currency: "AUD", zones: ["Australia/Sydney", "Australia/Perth"], weight: 3, residential: [1221, 7545], mobile: [4804, 1221], colos: ["SYD", "MEL", "PER"] },
  { code: "NZ", currency: "NZD", zones: ["Pacific/Auckland"], weight: 0.5, residential: [4771], mobile: [4771], colos: ["AKL"] },
  { code: "TH", currency: "THB", zones: ["Asia/Bangkok"], weight: 0.6, residential: [7470], mobile: [45758], colos: ["BKK"] },
  { code: "ID", currency: "IDR", zones: ["Asia/Jakarta"], weight: 0.6, residential: [7713], mobile: [23693], colos: ["CGK"] },
  { code: "PH", currency: "PHP", zones: ["Asia/Manila"], weight: 0.5, residential: [9299], mobile: [132199], colos: ["MNL"] },
  { code: "VN", currency: "VND", zones: ["Asia/Ho_Chi_Minh"], weight: 0.4, residential: [45899], mobile: [7552], colos: ["SGN", "HAN"] },
  { code: "NG", currency: "NGN", zones: ["Africa/Lagos"], weight: 0.3, residential: [36873], mobile: [29465], colos: ["LOS"] },
  { code: "UA", currency: "UAH", zones: ["Europe/Kyiv"], weight: 0.3, residential: [6849], mobile: [15895], colos: ["KBP"] },
  { code: "RU", currency: "RUB", zones: ["Europe/Moscow"], weight: 0.3, residential: [12389], mobile: [8359], colos: ["DME"] },
  { code: "RO", zones: ["Europe/Bucharest"], weight: 0, residential: [8708], mobile: [8708], colos: ["OTP"] },
];

export const COUNTRY_BY_CODE: ReadonlyMap<string, Country> = new Map(COUNTRIES.map((c) => [c.code, c]));

export function country(code: string): Country {
  const c = COUNTRY_BY_CODE.get(code);
  if (!c) throw new Error(`unknown country ${code}`);
  return c;
}

/** Where fraud rings operate from (for the "foreign network" part of a typology), with relative weights. */
export const FRAUDSTER_COUNTRIES: readonly [string, number][] = [
  ["NG", 3], ["RU", 2], ["UA", 2], ["RO", 2], ["VN", 2], ["ID", 1.5], ["BR", 2], ["PH", 1], ["TR", 1], ["IN", 1.5],
  ["US", 2], ["GB", 1], ["NL", 0.5],
];

/** Hosting networks (all in src/features/lists.ts HOSTING_ASNS) and the countries their exits are in. */
export const HOSTING_NETWORKS: readonly { asn: number; countries: readonly string[] }[] = [
  { asn: 16509, countries: ["US", "DE", "IE", "SG", "JP"] },
  { asn: 14618, countries: ["US"] },
  { asn: 15169, countries: ["US", "NL", "SG"] },
  { asn: 396982, countries: ["US", "DE", "GB"] },
  { asn: 8075, countries: ["US", "NL", "IE"] },
  { asn: 14061, countries: ["US", "NL", "DE", "SG", "GB"] },
  { asn: 16276, countries: ["FR", "DE", "CA", "PL"] },
  { asn: 24940, countries: ["DE"] },
  { asn: 63949, countries: ["US", "DE", "JP"] },
  { asn: 20473, countries: ["US", "NL", "JP", "AU"] },
  { asn: 9009, countries: ["GB", "NL", "RO", "US", "CH"] },
  { asn: 60781, countries: ["NL", "US"] },
  { asn: 51167, countries: ["DE", "US"] },
];

export type MccGroupName =
  | "grocery" | "restaurant" | "fuel" | "travel" | "electronics" | "digital_goods" | "luxury" | "gambling"
  | "money_transfer" | "retail" | "other";

export type PriceStyle = "exact" | "charm" | "round";

export interface Category {
  group: MccGroupName;
  mccs: readonly string[];
  /** Median and log-space spread of a legitimate purchase, in USD. */
  medianUsd: number;
  sigma: number;
  price: PriceStyle;
  /** Share of merchants in this category that sell online (the rest are card-present shops). */
  online: number;
  /** Relative share of legitimate purchases. */
  share: number;
  /** Ships physical goods when bought online (so a shipping country is given). */
  ships: boolean;
}

export const CATEGORIES: readonly Category[] = [
  { group: "grocery", mccs: ["5411", "5499", "5422", "5441", "5451"], medianUsd: 35, sigma: 0.75, price: "exact", online: 0.12, share: 22, ships: true },
  { group: "restaurant", mccs: ["5812", "5813", "5814"], medianUsd: 22, sigma: 0.7, price: "exact", online: 0.2, share: 18, ships: false },
  { group: "fuel", mccs: ["5541", "5542"], medianUsd: 45, sigma: 0.4, price: "exact", online: 0, share: 8, ships: false },
  { group: "travel", mccs: ["4511", "4722", "7011", "4111", "4121", "3001", "3005", "3501"], medianUsd: 160, sigma: 1.1, price: "exact", online: 0.7, share: 5, ships: false },
  { group: "electronics", mccs: ["5732", "5734", "5045", "5946"], medianUsd: 110, sigma: 1.1, price: "charm", online: 0.6, share: 4, ships: true },
  { group: "digital_goods", mccs: ["5815", "5816", "5817", "5818", "5968"], medianUsd: 11, sigma: 0.9, price: "charm", online: 1, share: 10, ships: false },
  { group: "luxury", mccs: ["5944", "5094", "5948"], medianUsd: 420, sigma: 0.9, price: "round", online: 0.4, share: 1, ships: true },
  { group: "gambling", mccs: ["7995", "7801"], medianUsd: 40, sigma: 0.9, price: "round", online: 0.9, share: 2, ships: false },
  { group: "money_transfer", mccs: ["4829", "6051", "6540"], medianUsd: 140, sigma: 1.0, price: "round", online: 0.9, share: 3, ships: false },
  { group: "retail", mccs: ["5311", "5651", "5661", "5691", "5699", "5999", "5942", "5200"], medianUsd: 48, sigma: 0.9, price: "charm", online: 0.45, share: 18, ships: true },
  { group: "other", mccs: ["8398", "4900", "7399", "5977", "8011"], medianUsd: 45, sigma: 1.0, price: "exact", online: 0.4, share: 9, ships: false },
];

/** MCCs whose typical ticket is far from their category's (transit fares, taxis, coffee). */
export const MCC_MEDIAN_USD: Readonly<Record<string, number>> = { "4111": 3.5, "4121": 19, "5814": 9, "5499": 12 };

/** Relative purchase volume by local hour (0–23) and by day of week (Sunday first). */
export const HOURLY = [0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.55, 0.8, 0.9, 1.0, 1.1, 1.3, 1.2, 1.0, 1.0, 1.1, 1.3, 1.5, 1.5, 1.3, 1.0, 0.6, 0.3];
export const WEEKLY = [0.85, 0.9, 0.95, 1.0, 1.05, 1.2, 1.15];
export const PEAK_ACTIVITY = Math.max(...HOURLY) * Math.max(...WEEKLY);
/** A shopper's mean purchase rate is their nominal rate times this. */
export const MEAN_ACTIVITY = (HOURLY.reduce((a, b) => a + b) / 24) * (WEEKLY.reduce((a, b) => a + b) / 7);

export const FREE_EMAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.de", "web.de", "aol.com", "proton.me", "live.com"];
export const OTHER_EMAIL = ["comcast.net", "btinternet.com", "orange.fr", "t-online.de", "sky.com", "verizon.net", "acme-corp.com", "northwind.io", "contoso.com", "bigpond.com", "shaw.ca", "uni-example.edu", "telus.net", "free.fr", "libero.it"];
export const DISPOSABLE_EMAIL = ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "temp-mail.org", "sharklasers.com", "maildrop.cc"];
