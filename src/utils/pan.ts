/**
 * Card numbers (PANs) must never reach the scorer: callers send a fingerprint instead. Text is read as a person
 * would read it: Unicode NFKC (full-width ４２４２ is 4242), without combining marks, invisible format characters or
 * Hangul fillers, with every script's decimal digits read as digits (٤٢٤٢ is 4242). Digits come in groups, and
 * groups run on across separators of any kind (spaces, tabs, line breaks, dots, dashes, slashes, colons …: up to
 * three marks, or any whitespace up to 16 characters) but not across letters, nor across a colon after one or two
 * digits (a time). A card number is written whole or in groups of four or more (4-4-4-4, 4-6-5, 4-4-4-4-3), so a
 * candidate is a run of consecutive groups holding 12–19 digits in which every group but the last has at least
 * four — or, where a group runs past 19 digits or holds more than 16, its first or last 15, 16 or 19 digits (a card
 * number glued to its expiry, its code or a stray digit). A candidate that starts like a card of a payment network
 * and passes the Luhn check is a PAN, wherever the text is: a value, an object key, a header, a path.
 *
 * Not read, because they are something else by their form: a run of at most 12 digits straight after `+` (a phone
 * number), an IPv4 address, a UUID, and a token of 16 or more hexadecimal characters with letters among them (a
 * digest). (Without the network prefixes one 12–19-digit reference number in ten would pass the Luhn check by
 * chance; with them about one in twenty, and none starting with 0, 1, 7 or 9: docs/errors.md.)
 */
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;
/** Lengths of card numbers looked for inside longer digit strings. */
const GLUED = [15, 16, 19];
const MIN_GROUP = 4;
const MAX_MARKS = 3;
const MAX_SPACE = 16;
const MAX_PHONE = 12;

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
/** Combining marks, format characters (zero-width joiners …) and the Hangul fillers, which render as nothing. */
const HIDDEN = /[\p{M}\p{Cf}\u115f\u1160\u3164\uffa0]/gu;
/** Forms that are not card numbers, blanked before reading (see the module comment). */
const NOT_CARDS = [
  /(?<![\p{Nd}.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\p{Nd}.])/gu,
  /(?<![\p{L}\p{N}-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\p{L}\p{N}-])/giu,
  /(?<![\p{L}\p{N}])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{16,}(?![\p{L}\p{N}])/giu,
];

/**
 * A decimal digit of any script as its ASCII digit; undefined for anything else. Unicode keeps every script's digits
 * in contiguous blocks of ten running 0–9 (some blocks sit side by side), so the value is the distance from the start
 * of the contiguous run, modulo ten.
 */
function digitOf(ch: string): string | undefined {
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

/** What a character is to the scanner: a digit (its value), a run breaker, whitespace, or another mark. */
type Kind = { digit: string } | "break" | "colon" | "space" | "mark";

function kindOf(ch: string): Kind {
  const c = ch.charCodeAt(0);
  if (c < 0x80) {
    if (c >= 48 && c <= 57) return { digit: ch };
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return "break";
    if (c === 58) return "colon";
    if (c === 32 || (c >= 9 && c <= 13)) return "space";
    return "mark";
  }
  const d = digitOf(ch);
  if (d !== undefined) return { digit: d };
  if (WORD.test(ch)) return "break";
  return SPACE.test(ch) ? "space" : "mark";
}

/** The digit runs of normalised text, each as its groups. */
function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let run: Run | undefined;
  let group = "";
  let marks = 0;
  let spaces = 0;
  let previous = "";
  const close = () => {
    if (run && group) run.groups.push(group);
    if (run) runs.push(run);
    [run, group, marks, spaces] = [undefined, "", 0, 0];
  };
  for (const ch of text) {
    const kind = kindOf(ch);
    if (typeof kind === "object") {
      if (run && marks + spaces > 0) {
        if (marks <= MAX_MARKS && (marks === 0 ? spaces <= MAX_SPACE : marks + spaces <= MAX_MARKS + 2)) {
          run.groups.push(group);
          [group, marks, spaces] = ["", 0, 0];
        } else close();
      }
      if (!run) run = { groups: [], plus: previous === "+" };
      group += kind.digit;
    } else if (kind === "break") close();
    else if (kind === "colon" && run && marks + spaces === 0 && group.length <= 2) close(); // 10:30 is a time
    else if (run) kind === "space" ? spaces++ : marks++;
    previous = ch;
  }
  close();
  return runs;
}

const isPan = (digits: string) => digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && plausibleIssuer(digits) && luhnValid(digits);

/** A card number at the start or end of a digit string longer than one (glued to other digits). */
const gluedIn = (digits: string, ends: "start" | "both") =>
  GLUED.some((n) => n < digits.length && (isPan(digits.slice(0, n)) || (ends === "both" && isPan(digits.slice(-n)))));

function runHoldsPan({ groups, plus }: Run): boolean {
  if (plus && groups.reduce((n, g) => n + g.length, 0) <= MAX_PHONE) return false;
  for (let from = 0; from < groups.length; from++) {
    let digits = "";
    for (let to = from; to < groups.length; to++) {
      const g = groups[to]!;
      // Cards are grouped in fours or more: a shorter group ends the candidate.
      if (to > from && groups[to - 1]!.length < MIN_GROUP) break;
      if (g.length > 16 && gluedIn(g, "both")) return true;
      if (digits.length + g.length > MAX_DIGITS) {
        if (digits.length > 0 && gluedIn(digits + g, "start")) return true;
        break;
      }
      digits += g;
      if (isPan(digits)) return true;
    }
  }
  return false;
}

export function looksLikePan(value: string): boolean {
  // Most values are short ASCII with few digits: those cannot hold 12, whatever the rules below.
  let digits = 0;
  let ascii = true;
  for (let i = 0; i < value.length && ascii; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) ascii = false;
    else if (c >= 48 && c <= 57) digits++;
  }
  if (ascii && digits < MIN_DIGITS) return false;
  if (!DECIMAL.test(value)) return false;
  let text = value.normalize("NFKC").replace(HIDDEN, "");
  for (const form of NOT_CARDS) text = text.replace(form, " ");
  return runsOf(text).some(runHoldsPan);
}

/**
 * `text` with every card number in it replaced (for what the API echoes: paths, headers, ids; a percent-encoded
 * one is redacted in its decoded form). Each stretch from
 * a digit to a digit without letters between that holds one is narrowed to the digit groups that do, and those are
 * replaced; should a card number still be read in the result (spread over stretches), every digit is masked.
 */
export function redactPans(text: string): string {
  // A path quoted as it came (percent-encoded: 4242%2F4242…) is read as it decodes.
  const decoded = percentDecoded(text);
  if (decoded !== text && looksLikePan(decoded)) return redactPans(decoded);
  if (!looksLikePan(text)) return text;
  const replaced = text.replace(/\p{Nd}[^\p{L}]*\p{Nd}|\p{Nd}/gu, (span) => (looksLikePan(span) ? narrowed(span) : span));
  return looksLikePan(replaced) ? replaced.replace(/\p{Nd}/gu, "#") : replaced;
}

function percentDecoded(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `span` (which holds a card number) replaced, less the short digit groups at its ends that are not part of it —
 * the 1 of `/v1/…` — so what is kept is never a card's own group.
 */
function narrowed(span: string): string {
  const parts = span.split(/(\P{Nd}+)/u); // digit groups at even indices, what separates them at odd ones
  let [from, to] = [0, parts.length - 1];
  const short = (i: number) => [...parts[i]!].length < MIN_GROUP;
  while (from + 2 <= to && short(from) && looksLikePan(parts.slice(from + 2, to + 1).join(""))) from += 2;
  while (to - 2 >= from && short(to) && looksLikePan(parts.slice(from, to - 1).join(""))) to -= 2;
  return [...parts.slice(0, from), "[card number]", ...parts.slice(to + 1)].join("");
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
