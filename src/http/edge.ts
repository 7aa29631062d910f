import { canonicalIp } from "../schemas/ip";
import type { EdgeContext } from "../schemas/transaction";

/** The caller's network as Cloudflare's edge saw it (`request.cf`, `CF-Connecting-IP`); empty outside Cloudflare. */
export function edgeContext(request: Request): EdgeContext {
  const cf = (request as Request & { cf?: IncomingRequestCfProperties }).cf;
  const edge: EdgeContext = {};
  if (typeof cf?.country === "string" && /^[A-Z]{2}$/.test(cf.country)) edge.country = cf.country;
  if (typeof cf?.asn === "number") edge.asn = cf.asn;
  if (typeof cf?.colo === "string") edge.colo = cf.colo;
  const ip = request.headers.get("cf-connecting-ip")?.trim();
  if (ip && /^[0-9a-fA-F:.]{2,45}$/.test(ip)) edge.ip = canonicalIp(ip);
  return edge;
}
