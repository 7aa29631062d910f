/**
 * Card numbers (PANs) must never reach the scorer: callers send a fingerprint instead. Text is read as a person
 * would read it: Unicode NFKC (full-width ４２４２ is 4242), without combining marks or invisible format characters,
 * with every script's decimal digits read as digits (٤٢٤٢ is 4242); digits come in groups, and groups run on across
 * separators of any kind (spaces, tabs, line breaks, dots, dashes, slashes, underscores …: up to three marks, or
 * any whitespace up to 16 characters) but not across letters or a colon (times). Any run of whole groups holding
 * 12–19 digits — or the first or last 15 or 16 digits of a longer run, a card number glued to its expiry or code —
 * that starts like a card of a payment network and passes the Luhn check is a PAN, wherever the text is: a value,
 * an object key, a header, a path. A run straight after a `+` of at most 15 digits is a phone number (E.164).
 * (Without the network prefixes one 12–19-digit reference number in ten would pass the Luhn check by chance; with
 * them about one in twenty, and none starting with 0, 1, 7 or 9: docs/errors.md.)
 */
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;
const GLUED = [15, 16];
const MAX_MARKS = 3;
const MAX_SPACE = 16;

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

const DECIMAL = /\p{Nd}/u;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
const HIDDEN = /[\p{M}\p{Cf}]/gu;

/**
 * A decimal digit of any script as its ASCII digit; undefined for anything else. Unicode keeps every script's digits
 * in contiguous blocks of ten running 0–9 (some blocks sit side by side), so the value is the distance from the start
 * of the contiguous run, modulo ten.
 */
function digitOf(ch: string): string | undefined {
  if (ch >= "0" && ch <= "9") return ch;
  if (!DECIMAL.test(ch)) return undefined;
  const at = ch.codePointAt(0)!;
  let start = at;
  while (DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return String((at - start) % 10);
}

interface Run {
  groups: string[];
  /** The run follows a `+`: a phone number when short enough. */
  plus: boolean;
}

/** The digit runs of normalised text, each as its groups. */
function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let run: Run | undefined;
  let group = "";
  let gap = "";
  let previous = "";
  const close = () => {
    if (run && group) run.groups.push(group);
    if (run) runs.push(run);
    [run, group, gap] = [undefined, "", ""];
  };
  for (const ch of text) {
    const d = digitOf(ch);
    if (d !== undefined) {
      if (run && gap) {
        const marks = [...gap].filter((c) => !SPACE.test(c)).length;
        if (marks <= MAX_MARKS && gap.length <= (marks === 0 ? MAX_SPACE : MAX_MARKS + 2)) {
          run.groups.push(group);
          [group, gap] = ["", ""];
        } else close();
      }
      if (!run) run = { groups: [], plus: previous === "+" };
      group += d;
    } else if (WORD.test(ch) || ch === ":") close();
    else if (run) gap += ch;
    previous = ch;
  }
  close();
  return runs;
}

const isPan = (digits: string) => digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && plausibleIssuer(digits) && luhnValid(digits);

export function looksLikePan(value: string): boolean {
  const text = value.normalize("NFKC").replace(HIDDEN, "");
  for (const { groups, plus } of runsOf(text)) {
    const all = groups.join("");
    if (plus && all.length <= 15) continue;
    // Every sequence of consecutive whole groups of card-number length.
    for (let from = 0; from < groups.length; from++) {
      let digits = "";
      for (let to = from; to < groups.length && digits.length + groups[to]!.length <= MAX_DIGITS; to++) {
        digits += groups[to]!;
        if (isPan(digits)) return true;
      }
    }
    // A card number glued to other digits: the run's first or last 15 or 16 digits.
    if (all.length > 16 && GLUED.some((n) => isPan(all.slice(0, n)) || isPan(all.slice(-n)))) return true;
  }
  return false;
}

/** `text` with every card number in it replaced (for what the API echoes: paths, headers it quotes). */
export function redactPans(text: string): string {
  if (!looksLikePan(text)) return text;
  return text.replace(/[^\p{L}:/?=&]+/gu, (part) => (looksLikePan(part) ? "[card number]" : part));
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
