import { describe, expect, it } from "vitest";
import { TEST_METRICS_TOKEN, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson, transaction } from "../helpers";
import { addEntry, call, score, unique } from "./helpers";

interface RuleWrite {
  rule: { id: string; name: string; action: string; created_at: string };
  policy_version: number;
}

const addRule = async (body: Record<string, unknown>) => {
  const res = await call("POST", "/v1/rules", undefined, body);
  expect(res.status).toBe(201);
  return res.json<RuleWrite>();
};

// Every rule here holds only for transactions with an id of its own, so other files' scores of m_test never meet it.
describe("rules in CEL decide beside the model", () => {
  it("a block rule declines what it matches, named in the answer; a disabled or deleted rule does nothing", async () => {
    const customer = unique("cus");
    const { rule } = await addRule({ name: "big spender from abroad", expression: `tx.customer_id == "${customer}" && tx.amount_usd > 100.0 && score >= 0.0`, action: "block" });
    const hit = await score(transaction({ customer: { id: customer }, amount: 25_000 }));
    expect(hit).toMatchObject({ decision: "decline", decision_source: "rule" });
    expect(hit.policy?.decided_by).toEqual({ type: "rule", rule_id: rule.id, name: "big spender from abroad", action: "block" });
    expect((await score(transaction({ customer: { id: customer }, amount: 5_000 }))).decision_source).toBe("model");

    const off = await call("PUT", `/v1/rules/${rule.id}`, undefined, { name: "off", expression: `tx.customer_id == "${customer}"`, action: "block", enabled: false });
    expect(off.status).toBe(200);
    expect((await off.json<RuleWrite>()).rule.created_at).toBe(rule.created_at);
    expect((await score(transaction({ customer: { id: customer }, amount: 25_000 }))).decision_source).toBe("model");

    await call("PUT", `/v1/rules/${rule.id}`, undefined, { name: "on", expression: `tx.customer_id == "${customer}"`, action: "review" });
    expect(await score(transaction({ customer: { id: customer } }))).toMatchObject({ decision: "review", decision_source: "rule" });
    expect((await call("DELETE", `/v1/rules/${rule.id}`)).status).toBe(200);
    expect((await score(transaction({ customer: { id: customer } }))).decision_source).toBe("model");
    expect((await call("GET", `/v1/rules/${rule.id}`)).status).toBe(404);
  });

  it("allow beats block whether it is a list entry or a rule; lists before rules within a stage", async () => {
    const [customer, device] = [unique("cus"), unique("dev")];
    const block = await addRule({ name: "block device", expression: `tx.device_id == "${device}"`, action: "block" });
    const allow = await addRule({ name: "allow customer", expression: `tx.customer_id == "${customer}"`, action: "allow" });
    const both = await score(transaction({ customer: { id: customer }, device: { id: device } }));
    expect(both).toMatchObject({ decision: "approve", decision_source: "rule" });
    expect(both.policy?.decided_by).toMatchObject({ type: "rule", rule_id: allow.rule.id });
    // Rules of a later stage than the deciding one are not run.
    expect(both.policy?.hits.map((h) => (h as { rule_id?: string }).rule_id)).toEqual([allow.rule.id]);

    const entry = await addEntry({ kind: "device_id", value: device, action: "block" });
    const blocked = await score(transaction({ device: { id: device } }));
    expect(blocked.policy?.decided_by).toMatchObject({ type: "list", entry_id: entry.body.entry.id });
    expect(blocked.policy?.hits.map((h) => h.type)).toEqual(["list", "rule"]);
    void block;
  });

  it("the rule sees the features and the score as the model saw them", async () => {
    const customer = unique("cus");
    await addRule({ name: "new card", expression: `tx.customer_id == "${customer}" && features.card_count_1h == 0.0 && features.amount_usd_log > 0.0 && score > 0.0 && score < 1.0`, action: "review" });
    expect(await score(transaction({ customer: { id: customer } }))).toMatchObject({ decision: "review", decision_source: "rule" });
  });

  it("a rule that fails at run time is skipped and reported, the score goes on", async () => {
    const customer = unique("cus");
    const { rule } = await addRule({ name: "broken", expression: `tx.customer_id == "${customer}" && int(tx.email_domain) > 0`, action: "block" });
    const answer = await score(transaction({ customer: { id: customer } }));
    expect(answer.decision_source).toBe("model");
    expect((answer.policy as { rule_errors?: { rule_id: string }[] }).rule_errors).toEqual([{ rule_id: rule.id, message: expect.any(String) }]);
    // Counted for the operator (the isolate's count, in /health's checks).
    const health = await getWithKey("/health", { authorization: `Bearer ${TEST_METRICS_TOKEN}` });
    expect((await health.json<{ checks: { policy: { failures: number } } }>()).checks.policy.failures).toBeGreaterThanOrEqual(1);
  });

  it("a request_3ds rule asks for 3-D Secure, to the checkout page too, and decides nothing", async () => {
    const customer = unique("cus");
    await addRule({ name: "3ds for this shopper", expression: `tx.customer_id == "${customer}"`, action: "request_3ds" });
    const res = await postJson("/v1/score", transaction({ customer: { id: customer } }), { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN });
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ request_3ds: true });
    expect(body).not.toHaveProperty("policy");
    expect(await score(transaction({ customer: { id: customer } }))).toMatchObject({ request_3ds: true, decision_source: "model" });
  });

  it("a draft is tested against transactions without recording them", async () => {
    const [a, b] = [transaction({ amount: 250_000 }), transaction({ amount: 1_000 })];
    const res = await call("POST", "/v1/rules/test", undefined, { expression: "tx.amount_usd > 1000.0 && score >= 0.0", transactions: [a, b] });
    expect(res.status).toBe(200);
    const out = await res.json<{ results: { transaction_id: string; matched: boolean; score: number }[]; matched: number }>();
    expect(out.matched).toBe(1);
    expect(out.results.map((r) => [r.transaction_id, r.matched])).toEqual([
      [a.transaction_id, true],
      [b.transaction_id, false],
    ]);
    // Not recorded: the same transaction id is still new to the scorer.
    expect((await postJson("/v1/score", a)).headers.get("idempotent-replayed")).toBeNull();
  });
});
