import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../../../src/features";
import type { TransactionRecord } from "../../../src/schemas/feedback";
import { OTHER_SECRET_KEY, POLICY_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson, transaction } from "../helpers";
import { feedback, label, scored } from "./helpers";

/**
 * The network's memory of confirmed fraud (docs/feedback.md#network-memory): a merchant's confirmed-fraud label marks
 * its transaction's card, device and customer, and every merchant's next score of them sees it — counted in
 * merchants, so a hostile merchant moves another's feature by at most 1. Runs on Redis and on the memory backends.
 */
const OTHER = bearer(OTHER_SECRET_KEY);
const POLICY = bearer(POLICY_SECRET_KEY);
let n = 0;
const fresh = (what: string) => `${what}_nm_${Date.now().toString(36)}_${++n}`;

/** A transaction's feature row, as its record keeps it. */
async function row(transactionId: string, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const res = await getWithKey(`/v1/transactions/${transactionId}`, headers);
  const { transaction } = await res.json<{ transaction: TransactionRecord }>();
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, transaction.features![i]!]));
}

/** Scores a transaction on these entities at a merchant (by its key and id). */
const scoreAt = (merchant: string, headers: Record<string, string>, ids: { card: string; device?: string; customer?: string }) =>
  scored(
    {
      merchant: { id: merchant },
      card: { fingerprint: ids.card },
      device: { id: ids.device ?? fresh("dev"), ip: "203.0.113.7", ip_country: "US", asn: 7922 },
      customer: { id: ids.customer ?? fresh("cus"), email_domain: "example.com", account_age_days: 400 },
    },
    headers,
  );

describe("network memory of confirmed fraud: happy", () => {
  it("a card with a chargeback at one merchant scores higher on its next transaction at another", async () => {
    const [marked, control] = [fresh("card"), fresh("card")];
    const device = fresh("dev");
    const first = await scoreAt("m_other", OTHER, { card: marked, device });
    await scoreAt("m_other", OTHER, { card: control });
    const sent = await feedback([label(first.transaction_id, "fraud", "chargeback", new Date().toISOString(), { reason_code: "10.4" })], OTHER);
    expect(sent.body.results[0]).toMatchObject({ status: "applied" });

    // The same payment at m_test on each card: only the history differs.
    const next = await scoreAt("m_test", {}, { card: marked });
    const same = await scoreAt("m_test", {}, { card: control });
    const [a, b] = [await row(next.transaction_id), await row(same.transaction_id)];
    expect(a.card_confirmed_fraud_90d).toBe(1);
    expect(b.card_confirmed_fraud_90d).toBe(0);
    expect(a.device_confirmed_fraud_90d).toBe(0); // another device
    expect(next.score).toBeGreaterThan(same.score);

    // The device is marked too: a new card on it at m_test sees it.
    const onDevice = await scoreAt("m_test", {}, { card: fresh("card"), device });
    expect((await row(onDevice.transaction_id)).device_confirmed_fraud_90d).toBe(1);
  });

  it("follows the label that stands: an analyst's later 'legitimate' lifts the mark, a customer's claim never sets one", async () => {
    const card = fresh("card");
    const tx = await scoreAt("m_other", OTHER, { card });
    await feedback([label(tx.transaction_id, "fraud", "manual_review", "2026-12-01T10:00:00Z")], OTHER);
    expect((await row((await scoreAt("m_test", {}, { card })).transaction_id)).card_confirmed_fraud_90d).toBe(1);
    await feedback([label(tx.transaction_id, "legitimate", "manual_review", "2026-12-01T11:00:00Z")], OTHER);
    expect((await row((await scoreAt("m_test", {}, { card })).transaction_id)).card_confirmed_fraud_90d).toBe(0);

    const claimed = fresh("card");
    const other = await scoreAt("m_other", OTHER, { card: claimed });
    await feedback([label(other.transaction_id, "fraud", "customer_report")], OTHER);
    expect((await row((await scoreAt("m_test", {}, { card: claimed })).transaction_id)).card_confirmed_fraud_90d).toBe(0);
  });

  it("counts merchants: two merchants' chargebacks on one customer make 2", async () => {
    const customer = fresh("cus");
    for (const [merchant, headers] of [["m_other", OTHER], ["m_policy", POLICY]] as const) {
      const tx = await scoreAt(merchant, headers, { card: fresh("card"), customer });
      await feedback([label(tx.transaction_id, "fraud", "early_fraud_warning")], headers);
    }
    expect((await row((await scoreAt("m_test", {}, { card: fresh("card"), customer })).transaction_id)).customer_confirmed_fraud_90d).toBe(2);
  });
});

describe("network memory of confirmed fraud: security (every merchant may be hostile)", () => {
  it("one merchant labelling 30 of its transactions on a victim's card moves another merchant's feature by 1", async () => {
    const card = fresh("card");
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await scoreAt("m_other", OTHER, { card })).transaction_id);
    const sent = await feedback(ids.map((id) => label(id, "fraud", "chargeback")), OTHER);
    expect(sent.body.results.every((r) => "status" in r && r.status === "applied")).toBe(true);
    expect((await row((await scoreAt("m_test", {}, { card })).transaction_id)).card_confirmed_fraud_90d).toBe(1);
  });

  it("a merchant cannot mark a card through another merchant's transaction: the label is a 404 and nothing is marked", async () => {
    const card = fresh("card");
    const theirs = await scoreAt("m_test", {}, { card });
    const attack = await feedback([label(theirs.transaction_id, "fraud", "chargeback")], OTHER);
    expect(attack.body.results[0]).toMatchObject({ error: { status: 404 } });
    expect((await row((await scoreAt("m_test", {}, { card })).transaction_id)).card_confirmed_fraud_90d).toBe(0);
  });

  it("a checkout page's record marks nothing: its body, entities included, is the shopper's to write", async () => {
    const card = fresh("card");
    const res = await postJson("/v1/score", transaction({ card: { fingerprint: card } }), { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN });
    expect(res.status).toBe(200);
    const page = await res.json<{ transaction_id: string }>();
    // Its record is kept after the answer; the merchant's server key reads it.
    await expect.poll(async () => (await getWithKey(`/v1/transactions/${page.transaction_id}`)).status, { timeout: 2000 }).toBe(200);
    const sent = await feedback([label(page.transaction_id, "fraud", "chargeback")]);
    expect(sent.body.results[0]).toMatchObject({ status: "applied" });
    expect((await row((await scoreAt("m_other", OTHER, { card })).transaction_id, OTHER)).card_confirmed_fraud_90d).toBe(0);
  });

  it("a merchant flooding one device with 40 chargebacks keeps at most 4 marks there and evicts no other merchant's", async () => {
    const device = fresh("dev");
    const honest = await scoreAt("m_policy", POLICY, { card: fresh("card"), device });
    await feedback([label(honest.transaction_id, "fraud", "chargeback")], POLICY);
    const flood: string[] = [];
    for (let i = 0; i < 40; i++) flood.push((await scoreAt("m_other", OTHER, { card: fresh("card"), device })).transaction_id);
    await feedback(flood.map((id) => label(id, "fraud", "chargeback")), OTHER);
    expect((await row((await scoreAt("m_test", {}, { card: fresh("card"), device })).transaction_id)).device_confirmed_fraud_90d).toBe(2);
  });
});
