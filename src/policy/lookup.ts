import { canonicalIp } from "../schemas/ip";
import type { ListKind } from "../schemas/policy";
import type { EdgeContext, Transaction } from "../schemas/transaction";
import { listField } from "./values";

/** One of a transaction's values a list may name. */
export interface ListProbe {
  kind: ListKind;
  value: string;
  field: string;
}

/** The most labels of an email domain probed: `x.a.b.mailinator.com` probes `mailinator.com` up to `x.a.b.mailinator.com`… at 5 labels. */
const MAX_DOMAIN_LABELS = 5;

/**
 * Every value of the transaction a list entry could match, as the entries are filed: a BIN by each of its 6–8
 * digit prefixes, an email domain by itself and its parent domains, the network country as the features read it
 * (the caller's `device.ip_country`, else the edge's). IP ranges are not probed here: they are matched in the
 * Worker against the merchant's ranges (evaluate.ts).
 */
export function listProbes(tx: Transaction, edge: EdgeContext): ListProbe[] {
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
  if (tx.device?.ip) add("ip", canonicalIp(tx.device.ip));
  add("card_country", tx.card.country);
  add("ip_country", tx.device?.ip_country ?? edge.country);
  add("billing_country", tx.billing_country);
  add("shipping_country", tx.shipping_country);
  return out;
}
