import type { StreamRecord } from "./record";

/** Serialisations of a stream record: one JSON object per line, or a flat CSV row. */
export const toJsonLine = (r: StreamRecord): string => `${JSON.stringify(r)}\n`;

const CSV_COLUMNS: readonly [string, (r: StreamRecord) => string | number | undefined][] = [
  ["t", (r) => r.t],
  ["label", (r) => r.label],
  ["typology", (r) => r.typology],
  ["transaction_id", (r) => r.tx.transaction_id],
  ["amount", (r) => r.tx.amount],
  ["currency", (r) => r.tx.currency],
  ["merchant_id", (r) => r.tx.merchant.id],
  ["merchant_category", (r) => r.tx.merchant.category],
  ["merchant_country", (r) => r.tx.merchant.country],
  ["merchant_timezone", (r) => r.tx.merchant.timezone],
  ["card_fingerprint", (r) => r.tx.card.fingerprint],
  ["card_bin", (r) => r.tx.card.bin],
  ["card_country", (r) => r.tx.card.country],
  ["customer_id", (r) => r.tx.customer?.id],
  ["customer_email_domain", (r) => r.tx.customer?.email_domain],
  ["customer_account_age_days", (r) => r.tx.customer?.account_age_days],
  ["device_id", (r) => r.tx.device?.id],
  ["device_ip", (r) => r.tx.device?.ip],
  ["device_ip_country", (r) => r.tx.device?.ip_country],
  ["device_asn", (r) => r.tx.device?.asn],
  ["billing_country", (r) => r.tx.billing_country],
  ["shipping_country", (r) => r.tx.shipping_country],
  ["channel", (r) => r.tx.channel],
  ["created_at", (r) => r.tx.created_at],
  ["edge_country", (r) => r.edge.country],
  ["edge_asn", (r) => r.edge.asn],
  ["edge_colo", (r) => r.edge.colo],
];

export const CSV_HEADER = `${CSV_COLUMNS.map(([name]) => name).join(",")}\n`;

/** One CSV field: quoted when it holds a quote, comma or line break. */
export const csvField = (v: string | number | undefined) => {
  if (v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export const toCsvLine = (r: StreamRecord): string => `${CSV_COLUMNS.map(([, get]) => csvField(get(r))).join(",")}\n`;
