/**
 * ISO 4217 currencies with their minor-unit exponent (how many digits after the decimal point), and an
 * approximate USD rate. The rate only normalises amounts for the model (a feature, not an accounting figure),
 * so a static table is enough and keeps scoring free of network calls. Rates as of 2026-Q3, rounded.
 */
export const CURRENCIES = {
  USD: { exponent: 2, usd: 1 },
  EUR: { exponent: 2, usd: 1.08 },
  GBP: { exponent: 2, usd: 1.27 },
  CHF: { exponent: 2, usd: 1.12 },
  CAD: { exponent: 2, usd: 0.73 },
  AUD: { exponent: 2, usd: 0.66 },
  NZD: { exponent: 2, usd: 0.6 },
  JPY: { exponent: 0, usd: 0.0067 },
  KRW: { exponent: 0, usd: 0.00073 },
  CNY: { exponent: 2, usd: 0.14 },
  HKD: { exponent: 2, usd: 0.128 },
  SGD: { exponent: 2, usd: 0.74 },
  INR: { exponent: 2, usd: 0.012 },
  BRL: { exponent: 2, usd: 0.18 },
  MXN: { exponent: 2, usd: 0.055 },
  SEK: { exponent: 2, usd: 0.095 },
  NOK: { exponent: 2, usd: 0.093 },
  DKK: { exponent: 2, usd: 0.145 },
  PLN: { exponent: 2, usd: 0.25 },
  CZK: { exponent: 2, usd: 0.043 },
  HUF: { exponent: 2, usd: 0.0027 },
  TRY: { exponent: 2, usd: 0.029 },
  ZAR: { exponent: 2, usd: 0.055 },
  NGN: { exponent: 2, usd: 0.00065 },
  AED: { exponent: 2, usd: 0.272 },
  SAR: { exponent: 2, usd: 0.267 },
  ILS: { exponent: 2, usd: 0.27 },
  THB: { exponent: 2, usd: 0.028 },
  IDR: { exponent: 2, usd: 0.000062 },
  PHP: { exponent: 2, usd: 0.017 },
  VND: { exponent: 0, usd: 0.00004 },
  KWD: { exponent: 3, usd: 3.25 },
  BHD: { exponent: 3, usd: 2.65 },
  UAH: { exponent: 2, usd: 0.024 },
  RUB: { exponent: 2, usd: 0.011 },
} as const satisfies Record<string, { exponent: number; usd: number }>;

export type CurrencyCode = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as [CurrencyCode, ...CurrencyCode[]];

/** Amount in minor units of `currency` → US cents (rounded). */
export function toUsdCents(amount: number, currency: CurrencyCode): number {
  const c = CURRENCIES[currency];
  return Math.round((amount / 10 ** c.exponent) * c.usd * 100);
}

/** ISO 3166-1 alpha-2: two upper-case letters. The list of assigned codes changes; the shape does not. */
export const COUNTRY_PATTERN = /^[A-Z]{2}$/;
