import { describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, SCORE_ONLY_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { SELF } from "cloudflare:test";
import { BASE, bearer, postJson, transaction } from "../helpers";
import { addEntry, call, score, unique } from "./helpers";

describe("policy belongs to its merchant, and only secret keys with the policy scope touch it", () => {
  it("a publishable key can neither read nor change policy", async () => {
    const headers = { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN };
    expect((await postJson("/v1/lists/entries", { kind: "device_id", value: "d", action: "allow" }, headers)).status).toBe(403);
    expect((await call("GET", "/v1/lists/entries", TEST_PUBLISHABLE_KEY)).status).toBe(403);
    expect((await call("GET", "/v1/policy", TEST_PUBLISHABLE_KEY)).status).toBe(403);
  });

  it("a secret key without the policy scope is refused", async () => {
    expect((await call("GET", "/v1/policy", SCORE_ONLY_SECRET_KEY)).status).toBe(403);
    expect((await call("PUT", "/v1/policy/thresholds", SCORE_ONLY_SECRET_KEY, { review: 0, decline: 0 })).status).toBe(403);
    expect((await call("GET", "/v1/policy/audit", SCORE_ONLY_SECRET_KEY)).status).toBe(403);
    expect((await call("GET", "/v1/policy/audit")).status).toBe(200);
  });

  it("an unknown key: 401", async () => {
    expect((await call("GET", "/v1/policy", "sk_test_unknown_key_000000000000")).status).toBe(401);
  });

  it("one merchant's entries never decide, list or delete for another", async () => {
    const card = unique("card_fp");
    const mine = await addEntry({ kind: "card_fingerprint", value: card, action: "block" });
    // The other merchant scoring the same card: its own policy, which does not list it.
    const theirs = await score(transaction({ merchant: { id: "m_other" }, card: { fingerprint: card } }), OTHER_SECRET_KEY);
    expect(theirs.decision_source).toBe("model");
    expect(theirs.policy?.hits).toEqual([]);
    expect((await call("GET", `/v1/lists/entries/${mine.body.entry.id}`, OTHER_SECRET_KEY)).status).toBe(404);
    expect((await call("DELETE", `/v1/lists/entries/${mine.body.entry.id}`, OTHER_SECRET_KEY)).status).toBe(404);
    const listed = await (await call("GET", "/v1/lists/entries?kind=card_fingerprint&limit=500", OTHER_SECRET_KEY)).json<{ entries: { value: string }[] }>();
    expect(listed.entries.map((e) => e.value)).not.toContain(card);
    // Still in force for its owner.
    expect((await score(transaction({ card: { fingerprint: card } }))).decision_source).toBe("list");
  });

  it("one merchant's rules and thresholds never decide another's scores (each isolate caches policy per merchant)", async () => {
    const customer = unique("cus");
    const res = await call("POST", "/v1/rules", OTHER_SECRET_KEY, { name: "theirs", expression: `tx.customer_id == "${customer}"`, action: "block" });
    expect(res.status).toBe(201);
    expect(await score(transaction({ merchant: { id: "m_other" }, customer: { id: customer } }), OTHER_SECRET_KEY)).toMatchObject({ decision: "decline", decision_source: "rule" });
    const mine = await score(transaction({ customer: { id: customer } }));
    expect(mine.decision_source).toBe("model");
    expect(mine.policy?.hits).toEqual([]);
    const rules = await (await call("GET", "/v1/rules")).json<{ rules: { name: string }[] }>();
    expect(rules.rules.map((r) => r.name)).not.toContain("theirs");
  });

  it("an allow entry of one merchant does not let a card through another's block", async () => {
    const card = unique("card_fp");
    await addEntry({ kind: "card_fingerprint", value: card, action: "allow" }, OTHER_SECRET_KEY);
    await addEntry({ kind: "card_fingerprint", value: card, action: "block" });
    expect(await score(transaction({ card: { fingerprint: card } }))).toMatchObject({ decision: "decline", decision_source: "list" });
  });
});

describe("a checkout page writes its own body: it cannot claim its way past a block or into an allow", () => {
  const page = (tx: Record<string, unknown>, network: { ip?: string; country?: string } = {}) =>
    SELF.fetch(`${BASE}/v1/score`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN, ...(network.ip && { "cf-connecting-ip": network.ip }) },
      body: JSON.stringify(tx),
      ...(network.country && { cf: { country: network.country } }),
    } as RequestInit);

  it("an IP block applies to the address the edge saw, whatever device.ip says", async () => {
    const a = 1 + Math.floor(Math.random() * 250);
    const ip = `198.19.${a}.${1 + Math.floor(Math.random() * 250)}`;
    await addEntry({ kind: "ip", value: ip, action: "block" });
    const res = await page(transaction({ device: { ip: "203.0.113.200" } }), { ip });
    expect((await res.json<{ decision: string }>()).decision).toBe("decline");
    // From the merchant's server the body's word is taken: it knows the shopper's address.
    expect((await score(transaction({ device: { ip } }))).decision_source).toBe("list");
  });

  it("an allow entry on a value the page sends is not honoured for the page; a block still is", async () => {
    const [customer, device] = [unique("cus"), unique("dev")];
    await addEntry({ kind: "customer_id", value: customer, action: "allow" });
    await addEntry({ kind: "device_id", value: device, action: "block" });
    const res = await page(transaction({ customer: { id: customer }, device: { id: device } }));
    expect((await res.json<{ decision: string }>()).decision).toBe("decline");
    expect(await score(transaction({ customer: { id: customer }, device: { id: device } }))).toMatchObject({ decision: "approve", decision_source: "list" });
  });
});
