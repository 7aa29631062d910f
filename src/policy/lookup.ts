import { canonicalIp } from "../schemas/ip";
import { MAX_DOMAIN_LABELS, type ListKind } from "../schemas/policy";
import type { EdgeContext, Transaction } from "../schemas/transaction";
import { listField } from "./values";

/** One of a transaction's values a list may name. */
export interface ListProbe {
  kind: ListKind;
  value: string;
  field: string;
}


/**
 * Every value of the transaction a list entry could match, as the entries are filed: a BIN by each of its 6–8
 * digit prefixes, an email domain by itself and its parent domains, the network country as the features read it
 * (the caller's `device.ip_country`, else the edge's). IP ranges are not probed here: they are matched in the
 * Worker against the merchant's ranges (evaluate.ts). A checkout page (`trusted` false) writes its own body, so its
 * IP and network country are the ones the edge saw, never the body's (a shopper would otherwise claim its way
 * out of an IP or country block).
 */
export function listProbes(tx: Transaction, edge: EdgeContext, trusted: boolean): ListProbe[] {
  const out: ListProbe[] = [];
  const add = (kind: ListKind, value: string | undefined) => {
    if (value !== undefined && value !== "") out.push({ kind, value, field: listField(kind, value) });
  };
  add("card_fingerprint", tx.card.fingerprint);
  const bin = tx.card.bin;
  if (bin) for (let n = 6; n <= bin.length; n++) add("card_bin", bin.slice(0, n));
  const domain = tx.customer?.email_domain?.toLowerCase();
  if (domain) {
    const labels = domain.split(".");
    for (let k = 2; k <= Math.min(labels.length, MAX_DOMAIN_LABELS); k++) add("email_domain", labels.slice(-k).join("."));
  }
  add("customer_id", tx.customer?.id);
  add("device_id", tx.device?.id);
  const network = networkOf(tx, edge, trusted);
  add("ip", network.ip);
  add("card_country", tx.card.country);
  add("ip_country", network.country);
  add("billing_country", tx.billing_country);
  add("shipping_country", tx.shipping_country);
  return out;
}

/** The shopper's IP and network country as policy reads them: the caller's word from a server, the edge's from a page. */
export function networkOf(tx: Transaction, edge: EdgeContext, trusted: boolean): { ip?: string; country?: string } {
  if (!trusted) return { ...(edge.ip && { ip: edge.ip }), ...(edge.country && { country: edge.country }) };
  const ip = tx.device?.ip ? canonicalIp(tx.device.ip) : undefined;
  const country = tx.device?.ip_country ?? edge.country;
  return { ...(ip && { ip }), ...(country && { country }) };
}
