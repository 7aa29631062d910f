import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, findPanPaths, looksLikePan, luhnValid } from "../../../src/schemas/pan";

/**
 * The PAN detector against the ways a card number gets written: any length from 12 to 19 digits, cut into groups
 * of any size, joined by any separators (including Unicode spaces and several in a row), in ASCII or full-width
 * digits, inside other text, as a value or as an object key.
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

const SEPARATORS = [" ", "  ", "   ", "-", " - ", ".", "_", "/", "\t", "\u00a0", "\u2009", "\u3000", "·"];
const separator = fc.constantFrom(...SEPARATORS);
const FULL_WIDTH = (d: string) => String.fromCharCode(0xff10 + Number(d));

/** The digits cut into groups of 1–6 and joined by separators; each digit ASCII or full-width. */
const written = luhnNumber.chain((digits) =>
  fc.record({
    cuts: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 19 }),
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

  it("never flags a number no card network issues from (leading 0, 1, 7 or 9): reference numbers stay usable", () => {
    fc.assert(
      fc.property(fc.constantFrom("0", "1", "7", "9"), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 18 }), (first, rest) => {
        expect(looksLikePan(first + rest.join(""))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves ordinary values alone", () => {
    for (const text of ["txn_1Q2w3E4r5T", "2026-11-21T10:00:00Z", "+44 20 7946 0958", "order 5105 1051 0510 5106", "cus_00042", "203.0.113.7"]) {
      expect(looksLikePan(text), text).toBe(false);
    }
  });
});
