import { canonicalIp, ipv6Groups } from "../schemas/ip";

/**
 * The network a request comes from, for per-IP limits and a page's idempotency: the address Cloudflare's edge
 * saw (`CF-Connecting-IP`, which a client cannot set through Cloudflare — but can when it reaches the Worker some
 * other way, e.g. `wrangler dev` or a self-hosted workerd: docs/auth.md). An IPv6 client is counted by its /64,
 * because one subscriber typically holds a whole /64 and could otherwise rotate addresses to escape the limit.
 * Without the header (local runs) every caller shares one "unknown" bucket.
 */
export function clientNetwork(request: Request): string {
  const ip = request.headers.get("cf-connecting-ip")?.trim();
  if (!ip) return "unknown";
  const canonical = canonicalIp(ip);
  // An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is its IPv4 client.
  return canonical.includes(":") ? ipv6Prefix64(canonical) : canonical;
}

/** The first four groups of an IPv6 address, as `a:b:c:d::/64`. */
export function ipv6Prefix64(ip: string): string {
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
