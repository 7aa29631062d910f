/**
 * Card numbers (PANs) must never reach the scorer: callers send a fingerprint instead. Text is read as a person
 * would read it — Unicode NFKC first (full-width ４２４２ is 4242), then digits in groups with up to three
 * separators of any kind between them (spaces, tabs, dots, dashes, slashes, underscores …). Any run of whole groups
 * holding 12–19 digits that starts like a card of a payment network and passes the Luhn check is a PAN, wherever
 * the text is: a value, an object key, a header. (Without the network prefixes one 12–19-digit reference number in
 * ten would pass the Luhn check by chance; with them, about one in twenty, and none starting with 0, 1, 7 or 9 —
 * docs/errors.md.)
 */
const RUN = /[0-9](?:[^\p{L}\p{N}]{0,3}[0-9])*/gu;
const GROUP = /[0-9]+/g;
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Issuer identification prefixes of the card networks: Visa 4; Mastercard 51–55 and 2221–2720; Maestro, Discover,
 * UnionPay, RuPay 5 and 6; Amex 34/37, Diners 30/36/38/39, JCB 35; Mir 2200–2204; UnionPay and RuPay 81/82.
 */
export function plausibleIssuer(digits: string): boolean {
  switch (digits[0]) {
    case "4":
    case "5":
    case "6":
      return true;
    case "3":
      return ["0", "4", "5", "6", "7", "8", "9"].includes(digits[1] ?? "");
    case "2": {
      const p = Number(digits.slice(0, 4));
      return (p >= 2200 && p <= 2204) || (p >= 2221 && p <= 2720);
    }
    case "8":
      return digits[1] === "1" || digits[1] === "2";
    default:
      return false;
  }
}

export function looksLikePan(value: string): boolean {
  const text = value.normalize("NFKC");
  for (const run of text.matchAll(RUN)) {
    const groups = run[0].match(GROUP)!;
    // Every sequence of consecutive whole groups of card-number length: a PAN followed by an expiry date and a
    // code ("4242 4242 4242 4242 12/28 123") is found, a long reference number is checked once.
    for (let from = 0; from < groups.length; from++) {
      let digits = "";
      for (let to = from; to < groups.length && digits.length + groups[to]!.length <= MAX_DIGITS; to++) {
        digits += groups[to]!;
        if (digits.length >= MIN_DIGITS && plausibleIssuer(digits) && luhnValid(digits)) return true;
      }
    }
  }
  return false;
}

/** Where a path passes through an object key that is itself a card number: the key is never repeated. */
export const REDACTED = "(redacted)";

/** Paths (as arrays) of every string, integer or object key in `value` that holds a PAN. */
export function findPanPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return looksLikePan(value) ? [path] : [];
  if (typeof value === "number") return Number.isInteger(value) && looksLikePan(String(value)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findPanPaths(v, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      if (!looksLikePan(k)) return findPanPaths(v, [...path, k]);
      const at = [...path, REDACTED];
      return [at, ...findPanPaths(v, at).filter((p) => p.length > at.length)];
    });
  }
  return [];
}
