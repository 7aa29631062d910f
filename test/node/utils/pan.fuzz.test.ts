import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, findPanPaths, looksLikePan, luhnValid, redactPans } from "../../../src/utils/pan";

/**
 * The PAN detector against the ways a card number gets written: any length from 12 to 19 digits, whole or cut
 * into groups of four or more, joined by any separators (including Unicode spaces and several in a row), in ASCII or full-width
 * digits or any other script's, inside other text, glued to an expiry, as a value or as an object key.
 */
/** Card networks' prefixes (plausibleIssuer): a Visa, a Mastercard 2-series, an Amex, a UnionPay … */
const ISSUER = fc.constantFrom("4", "51", "55", "2221", "2720", "2200", "34", "37", "35", "36", "6011", "62", "65", "81");

const luhnNumber = fc.tuple(ISSUER, fc.integer({ min: 12, max: 19 })).chain(([issuer, length]) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1 - issuer.length, maxLength: length - 1 - issuer.length }).map((body) => {
    const digits = issuer + body.join("");
    for (let check = 0; check < 10; check++) if (luhnValid(digits + check)) return digits + check;
    throw new Error("unreachable: one check digit always fits");
  }),
);

const SEPARATORS = [" ", "  ", "   ", "-", " - ", ".", "_", "/", ":", "=", "&", "\t", "\u00a0", "\u2009", "\u3000", "·", "\u3164"];
const separator = fc.constantFrom(...SEPARATORS);
const FULL_WIDTH = (d: string) => String.fromCharCode(0xff10 + Number(d));

/**
 * The digits cut into groups as cards are written — whole, or in groups of four to six but the last (4-4-4-4,
 * 4-6-5, 4-4-4-4-3, and any other such cut) — joined by separators; each digit ASCII or full-width.
 */
const written = luhnNumber.chain((digits) =>
  fc.record({
    cuts: fc.oneof(fc.constant([19]), fc.array(fc.integer({ min: 4, max: 6 }), { minLength: 1, maxLength: 5 })),
    seps: fc.array(separator, { minLength: 19, maxLength: 19 }),
    wide: fc.array(fc.boolean(), { minLength: 19, maxLength: 19 }),
    before: fc.constantFrom("", "card ", "pan: ", "n°"),
    after: fc.constantFrom("", " exp", " thanks", "!"),
  }).map(({ cuts, seps, wide, before, after }) => {
    let out = "";
    let at = 0;
    for (let g = 0; at < digits.length; g++) {
      const group = digits.slice(at, at + cuts[g % cuts.length]!);
      if (at > 0) out += seps[g % seps.length];
      out += [...group].map((d, i) => (wide[(at + i) % wide.length] ? FULL_WIDTH(d) : d)).join("");
      at += group.length;
    }
    return { digits, text: `${before}${out}${after}` };
  }),
);

describe("PAN detection", () => {
  it("finds a card number however it is written", () => {
    fc.assert(
      fc.property(written, ({ text }) => {
        expect(looksLikePan(text), JSON.stringify(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("finds it as a value at any depth and as an object key, whose path never repeats it", () => {
    fc.assert(
      fc.property(written, fc.constantFrom("value", "key"), ({ text }, where) => {
        const body = where === "value" ? { customer: { notes: [text] } } : { customer: { [text]: "x" } };
        const paths = findPanPaths(body);
        expect(paths).toEqual([where === "value" ? ["customer", "notes", 0] : ["customer", REDACTED]]);
      }),
      { numRuns: 500 },
    );
  });

  it("never flags text with fewer than 12 digits", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const digits = text.normalize("NFKC").replace(/[^0-9]/g, "");
        fc.pre(digits.length < 12);
        expect(looksLikePan(text)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("never flags a number of up to 16 digits no card network issues from (leading 0, 1, 7 or 9): reference numbers stay usable", () => {
    // Longer runs are also read by their first and last 15 and 16 digits (a card number glued to its expiry), so
    // only up to 16 digits is the leading digit alone decisive.
    fc.assert(
      fc.property(fc.constantFrom("0", "1", "7", "9"), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 15 }), (first, rest) => {
        expect(looksLikePan(first + rest.join(""))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads every script's digits, ignores combining marks and invisible characters, and follows wide layouts", () => {
    const pan = "4242424242424242";
    const inScript = (zero: number) => [...pan].map((d) => String.fromCodePoint(zero + Number(d))).join("");
    // Arabic-Indic, Devanagari, Bengali, Thai, Myanmar, Adlam (astral), mathematical bold (NFKC folds it).
    for (const zero of [0x0660, 0x0966, 0x09e6, 0x0e50, 0x1040, 0x1e950, 0x1d7ce]) {
      expect(looksLikePan(inScript(zero)), zero.toString(16)).toBe(true);
    }
    for (const text of [
      "4242\u0301424242424242\u0308 42",
      "4242\u200b4242\u200d4242\u20604242",
      "4242    4242    4242    4242",
      "4242\n        4242\n        4242\n        4242",
      "4242 / 4242 / 4242 / 4242",
    ]) {
      expect(looksLikePan(text), JSON.stringify(text)).toBe(true);
    }
  });

  it("finds a card number glued to its expiry or security code, or behind a stray digit", () => {
    fc.assert(
      fc.property(luhnNumber.filter((d) => d.length === 15 || d.length === 16), fc.stringMatching(/^[0-9]{1,4}$/), fc.boolean(), (digits, extra, before) => {
        // A run of 16 digits or fewer is read whole only (so a 16-digit reference number is not read as an Amex).
        fc.pre(digits.length + extra.length > 16);
        expect(looksLikePan(before ? extra + digits : digits + extra)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("does not read phone numbers, dates, times, IPv4 addresses, UUIDs or digests as card numbers", () => {
    for (const text of ["+44 7911 123456", "+1 (415) 555-2671 ext 4242", "1/26/2024 10:30:00", "2026-11-21 10:30:00.123456", "10:30:00 4242", "220.100.100.100", "15bae399-2127-4247-8a8f-8766bb603b82", "dev_fbf202488ee9414db471804600875ec8"]) {
      expect(looksLikePan(text), text).toBe(false);
    }
  });

  it("does not flag random UUIDs, SHA-256 digests or IPv4 addresses (ids callers really send)", () => {
    // A hex id whose every character happens to be a decimal digit is a digit string like any other (16 digits can
    // be a card number), so draws without a letter are left out: about one 16-character id in 1 900.
    const hex = (n: number): string => {
      const h = [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
      return /[a-f]/.test(h) ? h : hex(n);
    };
    for (let i = 0; i < 5000; i++) {
      for (const id of [crypto.randomUUID(), hex(32), hex(20), `dev_${hex(16)}`, `card_fp_${hex(8)}`, [...crypto.getRandomValues(new Uint8Array(4))].join(".")]) {
        expect(looksLikePan(id), id).toBe(false);
      }
    }
  });

  it("reads a short-enough number after + as a phone, but not a card number of 13 digits or more", () => {
    for (const text of ["+378282246310005", "+3782 822463 10005", "+30569309025904", "+4222222222222"]) expect(looksLikePan(text), text).toBe(true);
  });

  it("finds a card number glued to an expiry after short groups, and behind a colon or a Hangul filler", () => {
    for (const text of ["2 41111111111111111228", "123 41111111111111111228", "12/28 42424242424242421228", "item 2 - 42424242424242421228", "0 3782822463100051228", "4242 4242 4242 42421228", "4242:4242:4242:4242", "4242\u31644242\u31644242\u31644242"]) {
      expect(looksLikePan(text), text).toBe(true);
    }
  });

  it("redacts card numbers from text it echoes and leaves the rest", () => {
    expect(redactPans("/v1/4242424242424242/x?q=4242-4242-4242-4242&n=7")).toBe("/v1/[card number]/x?q=[card number]&n=7");
    expect(redactPans("/x/4242/4242/4242/4242")).toBe("/x/[card number]");
    expect(redactPans("No card 4242=4242=4242=4242 in your transactions")).toBe("No card [card number] in your transactions");
    expect(redactPans("/x/4111&1111&1111&1111")).toBe("/x/[card number]");
    expect(redactPans("/v1/entities/card/fp_123")).toBe("/v1/entities/card/fp_123");
  });

  it("leaves ordinary values alone", () => {
    for (const text of ["txn_1Q2w3E4r5T", "2026-11-21T10:00:00Z", "+44 20 7946 0958", "order 5105 1051 0510 5106", "cus_00042", "203.0.113.7"]) {
      expect(looksLikePan(text), text).toBe(false);
    }
  });
});
