/**
 * A bench merchant's policy for `npm run bench:load -- --policy RULES:ENTRIES`: RULES rules spread over the allow,
 * block and review stages that hold for none of the bench traffic (so every one is evaluated on every score that
 * reaches its stage — the most a rule set costs), and ENTRIES list entries of cards, devices, IPs and ranges that
 * none of the traffic names (a lookup's cost, not a hit's). Written through the API, as a merchant would.
 */
const ACTIONS = ["allow", "block", "review"] as const;

export function benchRule(i: number): { name: string; action: string; expression: string } {
  // Each reads the transaction, the features and the score, like real rules; none holds (amounts stay below 10^7 USD).
  const expressions = [
    `tx.amount_usd > ${10_000_000 + i}.0 && features.card_count_1h >= ${i % 5}.0`,
    `tx.card_country in ["ZZ", "XX"] && score > 0.${(i % 9) + 1}`,
    `tx.email_domain.endsWith(".invalid${i}") || features.card_amount_24h_log > ${100 + i}.0`,
    `tx.ip_country != tx.billing_country && tx.amount_usd > ${20_000_000 + i}.0 && network.colo == "ZZZ"`,
  ];
  return { name: `bench rule ${i}`, action: ACTIONS[i % 3]!, expression: expressions[i % expressions.length]! };
}

export function benchEntry(i: number): { kind: string; value: string; action: string } {
  const action = ACTIONS[i % 3]!;
  switch (i % 4) {
    case 0:
      return { kind: "card_fingerprint", value: `card_fp_listed_${i}`, action };
    case 1:
      return { kind: "device_id", value: `dev_listed_${i}`, action };
    case 2:
      return { kind: "ip", value: `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`, action };
    default:
      // A few ranges (they are matched in the Worker, not looked up): at most MAX_IP_RANGES.
      return i % 40 === 3 && i < 40_000 ? { kind: "ip", value: `198.18.${(i / 40) & 255}.0/24`, action } : { kind: "customer_id", value: `cus_listed_${i}`, action };
  }
}

export async function seedPolicy(url: string, key: string, rules: number, entries: number, log: (s: string) => void = console.log): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  for (let i = 0; i < rules; i++) await post("/v1/rules", benchRule(i));
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < entries) await post("/v1/lists/entries", benchEntry(next++));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  log(`bench:load: policy seeded — ${rules} rules, ${entries} list entries (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
