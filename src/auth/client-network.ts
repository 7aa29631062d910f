/**
 * The network a request comes from, for per-IP limits: the address Cloudflare's edge saw (`CF-Connecting-IP`,
 * which a client cannot set through Cloudflare). An IPv6 client is counted by its /64, because one subscriber
 * typically holds a whole /64 and could otherwise rotate addresses to escape the limit. Without the header (local
 * runs) every caller shares one "unknown" bucket.
 */
export function clientNetwork(request: Request): string {
  const ip = request.headers.get("cf-connecting-ip")?.trim();
  if (!ip) return "unknown";
  if (!ip.includes(":")) return ip;
  // An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is its IPv4 client.
  return ip.includes(".") ? ip.slice(ip.lastIndexOf(":") + 1) : ipv6Prefix64(ip);
}

/** The first four groups of an IPv6 address, `::` expanded, as `a:b:c:d::/64`. */
export function ipv6Prefix64(ip: string): string {
  const [head = "", tail] = ip.toLowerCase().split("::", 2);
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
