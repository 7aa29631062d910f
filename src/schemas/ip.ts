/**
 * IP addresses as entity ids: one spelling per address, so the same shopper network is one entity however a caller
 * writes it. IPv4 in dotted decimal without leading zeros; IPv6 in RFC 5952 form (lower case, leading zeros
 * dropped, the longest run of two or more zero groups compressed); an IPv4-mapped IPv6 address is its IPv4.
 */
export function canonicalIp(ip: string): string {
  const v4 = ipv4Octets(ip);
  if (v4) return v4.join(".");
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
  return formatIpv6(groups);
}

export function ipv4Octets(ip: string): number[] | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 read as two groups). */
export function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const o = ipv4Octets(tail[2]!);
    if (!o) return undefined;
    text = `${tail[1]}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === "" ? [] : s.split(":"));
  const [head, rest] = [parse(halves[0]!), halves.length === 2 ? parse(halves[1]!) : undefined];
  // `::` stands for one zero group or more, so at most seven are written around it.
  if (rest !== undefined && head.length + rest.length > 7) return undefined;
  const all = rest === undefined ? head : [...head, ...Array<string>(8 - head.length - rest.length).fill("0"), ...rest];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}

function formatIpv6(groups: number[]): string {
  let [best, bestLen] = [-1, 1];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
