import type { EdgeContext } from "../schemas/transaction";

/** The caller's network as Cloudflare's edge saw it (`request.cf`); empty outside Cloudflare. */
export function edgeContext(request: Request): EdgeContext {
  const cf = (request as Request & { cf?: IncomingRequestCfProperties }).cf;
  const edge: EdgeContext = {};
  if (typeof cf?.country === "string" && /^[A-Z]{2}$/.test(cf.country)) edge.country = cf.country;
  if (typeof cf?.asn === "number") edge.asn = cf.asn;
  if (typeof cf?.colo === "string") edge.colo = cf.colo;
  return edge;
}
