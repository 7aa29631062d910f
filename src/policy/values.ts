import { canonicalIp, ipv4Octets, ipv6Groups } from "../schemas/ip";
import { COUNTRY_PATTERN } from "../schemas/iso";
import { MAX_DOMAIN_LABELS, type ListKind } from "../schemas/policy";
import { sha256Hex } from "../utils/sha256";

/**
 * A list value as it is stored and matched, one spelling per value: countries upper case, domains lower case,
 * BINs as digits, IP addresses canonical (schemas/ip.ts) and ranges as their network address and prefix length.
 * Ids (card fingerprints, customers, devices) match exactly as the transaction sends them.
 */
export type Normalized = { ok: true; value: string } | { ok: false; message: string };

const ID_MAX = 128;
const DOMAIN = /^[a-z0-9.-]+\.[a-z]{2,}$/;

export function normalizeListValue(kind: ListKind, raw: string): Normalized {
  const value = raw.trim();
  switch (kind) {
    case "card_fingerprint":
    case "customer_id":
    case "device_id":
      return value.length >= 1 && value.length <= ID_MAX && value === raw ? ok(value) : bad(`must be 1–${ID_MAX} characters, without surrounding spaces`);
    case "card_bin":
      return /^\d{6,8}$/.test(value) ? ok(value) : bad("must be a 6–8 digit BIN; it matches every card whose BIN starts with it");
    case "email_domain": {
      const d = value.toLowerCase();
      if (!(d.length <= 253 && DOMAIN.test(d) && !d.includes("..") && !d.startsWith(".") && !d.startsWith("-"))) return bad("must be a domain name such as mailinator.com; it matches its subdomains too");
      // A score probes a domain and its parents up to MAX_DOMAIN_LABELS labels: a deeper entry could never match.
      return d.split(".").length <= MAX_DOMAIN_LABELS ? ok(d) : bad(`must have at most ${MAX_DOMAIN_LABELS} labels (it matches its subdomains too)`);
    }
    case "ip":
      return normalizeIpOrRange(value);
    case "card_country":
    case "ip_country":
    case "billing_country":
    case "shipping_country": {
      const c = value.toUpperCase();
      return COUNTRY_PATTERN.test(c) ? ok(c) : bad("must be an ISO 3166-1 alpha-2 country code, e.g. NG");
    }
  }
}

const ok = (value: string): Normalized => ({ ok: true, value });
const bad = (message: string): Normalized => ({ ok: false, message });

/** An IP range: the address family, its network address as a number, and the prefix length. */
export interface IpRange {
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

export function ipNumber(ip: string): { bits: 32 | 128; n: bigint } | undefined {
  const canonical = canonicalIp(ip);
  const v4 = ipv4Octets(canonical);
  if (v4) return { bits: 32, n: BigInt(((v4[0]! << 24) >>> 0) + (v4[1]! << 16) + (v4[2]! << 8) + v4[3]!) };
  const groups = ipv6Groups(canonical);
  if (!groups) return undefined;
  return { bits: 128, n: groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

function formatIp(bits: 32 | 128, n: bigint): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
  return canonicalIp(groups.join(":"));
}

const maskOf = (bits: number, prefix: number) => ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);

/** `a.b.c.d`, an IPv6 address, or a CIDR range of either; a range of one address is that address. */
function normalizeIpOrRange(value: string): Normalized {
  const [address, prefixText, extra] = value.split("/");
  const ip = address === undefined ? undefined : ipNumber(address);
  if (!ip || extra !== undefined) return bad("must be an IP address or a CIDR range, e.g. 203.0.113.7 or 203.0.113.0/24");
  if (prefixText === undefined) return ok(formatIp(ip.bits, ip.n));
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  // A range wider than a /8 (IPv4) or /16 (IPv6) would list a continent: almost surely a mistake.
  const widest = ip.bits === 32 ? 8 : 16;
  if (!(prefix >= widest && prefix <= ip.bits)) return bad(`the prefix length must be ${widest}–${ip.bits} for ${ip.bits === 32 ? "IPv4" : "IPv6"}`);
  if (prefix === ip.bits) return ok(formatIp(ip.bits, ip.n));
  return ok(`${formatIp(ip.bits, ip.n & maskOf(ip.bits, prefix))}/${prefix}`);
}

/** The range a normalized `ip` value names, or undefined for a single address (those are looked up, not scanned). */
export function rangeOf(value: string): IpRange | undefined {
  const [address, prefixText] = value.split("/");
  if (prefixText === undefined) return undefined;
  const ip = ipNumber(address!);
  if (!ip) return undefined;
  return { bits: ip.bits, network: ip.n, prefix: Number(prefixText) };
}

/**
 * IP ranges grouped by family and prefix length, each group a map from network address to its entries: a match is
 * one mask and one lookup per distinct prefix length, however many ranges there are (scanning a thousand ranges
 * per score cost over a millisecond).
 */
export class RangeIndex<T> {
  private readonly groups = new Map<string, { bits: 32 | 128; mask: bigint; networks: Map<bigint, T[]> }>();
  size = 0;

  add(range: IpRange, value: T): void {
    const key = `${range.bits}/${range.prefix}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { bits: range.bits, mask: maskOf(range.bits, range.prefix), networks: new Map() }));
    const at = g.networks.get(range.network);
    if (at) at.push(value);
    else g.networks.set(range.network, [value]);
    this.size++;
  }

  /** Everything filed under a range that holds `ip` (canonical or not). */
  match(ip: string): T[] {
    if (this.size === 0) return [];
    const n = ipNumber(ip);
    if (!n) return [];
    const out: T[] = [];
    for (const g of this.groups.values()) if (g.bits === n.bits) out.push(...(g.networks.get(n.n & g.mask) ?? []));
    return out;
  }
}

export function inRange(ip: string, range: IpRange): boolean {
  const n = ipNumber(ip);
  return n !== undefined && n.bits === range.bits && (n.n & maskOf(range.bits, range.prefix)) === range.network;
}

/** A list entry's stable id: the same kind and value is one entry, whoever adds it again. */
export async function listEntryId(kind: ListKind, value: string): Promise<string> {
  return `le_${(await sha256Hex(`${kind}\u0000${value}`)).slice(0, 16)}`;
}

/** The field an entry is filed under in its merchant's lists, and what a transaction's value is looked up by. */
export const listField = (kind: ListKind, value: string) => `${kind}:${value}`;
