import { generateStream } from "../data/stream";

/**
 * What the load benchmarks send, one transaction per call, each with a fresh id (so every score is recorded):
 * - `generated`: the synthetic payment stream the model is trained on (scripts/data: shoppers with their cards,
 *   devices and networks, ~1–2 % fraud in campaigns), in order, as one merchant's traffic and without a claimed
 *   `created_at` (the scorer dates events itself) — a real decision mix, and the alerts it raises;
 * - `profiles`: `profiles` card / device / IP / customer profiles round-robin — every profile recurs within seconds,
 *   so velocity is high and most answers are `review`.
 */
export type Traffic = "generated" | "profiles";

export function traffic(kind: Traffic, opts: { merchant: string; run: string; profiles?: number }): () => Record<string, unknown> {
  let seq = 0;
  const profiles = opts.profiles ?? 3000;
  const profile = (): Record<string, unknown> => {
    const i = seq++;
    const p = (i * 7919) % profiles;
    return {
      transaction_id: `txn_load_${opts.run}_${i}`,
      amount: 500 + ((i * 104_729) % 50_000),
      currency: "USD",
      merchant: { id: opts.merchant, category: "5732", country: "US" },
      card: { fingerprint: `fp_load_${p}`, bin: "424242", country: "US" },
      device: { id: `dev_load_${p}`, ip: `10.${(p >> 16) & 255}.${(p >> 8) & 255}.${p & 255}`, ip_country: "US" },
      customer: { id: `cus_load_${p}`, email_domain: "example.com", account_age_days: 30 + (p % 900) },
      billing_country: "US",
      shipping_country: "US",
      channel: "web",
    };
  };
  if (kind === "profiles") return profile;
  const stream = generateStream({ seed: 7, rows: 2_000_000, days: 120 });
  return () => {
    const next = stream.next();
    if (next.done) return profile();
    const { created_at: _claimed, ...tx } = next.value.tx;
    return { ...tx, transaction_id: `txn_load_${opts.run}_${seq++}`, merchant: { ...tx.merchant, id: opts.merchant } };
  };
}
