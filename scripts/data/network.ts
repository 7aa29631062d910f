import type { Rng } from "./prng";
import { COUNTRY_BY_CODE } from "./world";

/**
 * Invented but well-formed addresses: each ASN owns a few fixed /16 prefixes (a pure function of the ASN), so an
 * address always belongs to the same network across runs and entities.
 */
const RESERVED_FIRST_OCTETS = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);

function hash32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function prefix(asn: number, which: number): [number, number] {
  const h = hash32(asn * 8 + which);
  let first = 11 + (h % 212);
  while (RESERVED_FIRST_OCTETS.has(first)) first++;
  return [first, (h >>> 8) & 0xff];
}

export function ipv4(asn: number, rng: Rng): string {
  const [a, b] = prefix(asn, rng.int(0, 3));
  return `${a}.${b}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** The Cloudflare colo a shopper in `countryCode` most likely reaches. */
export function colo(countryCode: string, rng: Rng): string {
  const c = COUNTRY_BY_CODE.get(countryCode);
  return c ? rng.pick(c.colos) : "FRA";
}

/**
 * Carrier-grade NAT: a mobile network puts many subscribers behind a small pool of addresses, so unrelated
 * shoppers share an IP. `slot` picks the pool address deterministically.
 */
export function pooledIp(asn: number, slot: number): string {
  const h = hash32(asn * 7919 + slot);
  if (h % 4 === 0) {
    const g = hash32(asn);
    return `2a0${g % 10}:${((g >>> 4) & 0xffff).toString(16)}:${(asn & 0xffff).toString(16)}:${(slot & 0xffff).toString(16)}::1`;
  }
  const [a, b] = prefix(asn, slot & 3);
  return `${a}.${b}.${(h >>> 8) & 0xff}.${1 + ((h >>> 16) % 254)}`;
}
