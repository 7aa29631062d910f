import { describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, POLICY_MERCHANT, POLICY_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, postJson, transaction } from "../helpers";
import { addEntry, call, score, unique, type Entry } from "./helpers";

const randomOctet = () => 1 + Math.floor(Math.random() * 250);

describe("lists decide beside the model", () => {
  it("a blocked card is declined by the list, named in the answer; adding it again replaces the entry", async () => {
    const card = unique("card_fp");
    const added = await addEntry({ kind: "card_fingerprint", value: card, action: "block", note: "chargeback case 4411" });
    expect(added.status).toBe(201);
    expect(added.body.entry).toMatchObject({ kind: "card_fingerprint", value: card, action: "block", note: "chargeback case 4411" });
    expect(added.body.entry.id).toMatch(/^le_[0-9a-f]{16}$/);

    const hit = await score(transaction({ card: { fingerprint: card } }));
    expect(hit).toMatchObject({ decision: "decline", decision_source: "list" });
    expect(hit.policy?.decided_by).toMatchObject({ entry_id: added.body.entry.id, kind: "card_fingerprint", action: "block" });
    expect(hit.policy?.version).toBeGreaterThanOrEqual(added.body.policy_version);

    const other = await score(transaction());
    expect(other.decision_source).toBe("model");
    expect(other.policy?.hits).toEqual([]);

    const again = await addEntry({ kind: "card_fingerprint", value: card, action: "review" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ replaced: true, entry: { id: added.body.entry.id, action: "review" } });
    expect(again.body.policy_version).toBeGreaterThan(added.body.policy_version);
    expect(await score(transaction({ card: { fingerprint: card } }))).toMatchObject({ decision: "review", decision_source: "list" });
  });

  it("allow decides before block, block before review (Radar's order), whatever kinds they are", async () => {
    const [customer, device, card] = [unique("cus"), unique("dev"), unique("card_fp")];
    const allow = await addEntry({ kind: "customer_id", value: customer, action: "allow" });
    const block = await addEntry({ kind: "device_id", value: device, action: "block" });
    const review = await addEntry({ kind: "card_fingerprint", value: card, action: "review" });
    const both = await score(transaction({ customer: { id: customer }, device: { id: device }, card: { fingerprint: card } }));
    expect(both).toMatchObject({ decision: "approve", decision_source: "list" });
    expect(both.policy?.hits.map((h) => h.entry_id)).toEqual([allow.body.entry.id, block.body.entry.id, review.body.entry.id]);
    expect(await score(transaction({ device: { id: device }, card: { fingerprint: card } }))).toMatchObject({ decision: "decline", decision_source: "list" });
  });

  it("an IP range matches every address in it and none outside; an email domain matches its subdomains", async () => {
    const [a, b] = [randomOctet(), randomOctet()];
    const range = await addEntry({ kind: "ip", value: `198.18.${a}.77/24`, action: "block" });
    expect(range.body.entry.value).toBe(`198.18.${a}.0/24`);
    expect(await score(transaction({ device: { ip: `198.18.${a}.200` } }))).toMatchObject({ decision: "decline", decision_source: "list" });
    expect((await score(transaction({ device: { ip: `198.18.${(a + 1) % 256}.200` } }))).decision_source).toBe("model");

    const domain = `${unique("d").replace(/_/g, "-")}.example.org`;
    await addEntry({ kind: "email_domain", value: domain.toUpperCase(), action: "review" });
    expect(await score(transaction({ customer: { email_domain: `mail.${domain}` } }))).toMatchObject({ decision: "review", decision_source: "list" });
    expect((await score(transaction({ customer: { email_domain: `x${domain}` } }))).decision_source).toBe("model");
    void b;
  });

  it("a BIN entry matches cards whose BIN starts with it", async () => {
    const bin = `5${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;
    await addEntry({ kind: "card_bin", value: bin, action: "block" }, POLICY_SECRET_KEY);
    const tx = () => transaction({ merchant: { id: POLICY_MERCHANT } });
    expect(await score({ ...tx(), card: { fingerprint: unique("card_fp"), bin: `${bin}12` } }, POLICY_SECRET_KEY)).toMatchObject({ decision: "decline", decision_source: "list" });
    expect((await score({ ...tx(), card: { fingerprint: unique("card_fp"), bin: "411111" } }, POLICY_SECRET_KEY)).decision_source).toBe("model");
  });

  it("an expired entry no longer matches, and a deleted one is gone", async () => {
    const [card, device] = [unique("card_fp"), unique("dev")];
    await addEntry({ kind: "card_fingerprint", value: card, action: "block", expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await score(transaction({ card: { fingerprint: card } }))).decision_source).toBe("list");
    await new Promise((r) => setTimeout(r, 1600));
    expect((await score(transaction({ card: { fingerprint: card } }))).decision_source).toBe("model");

    const entry = (await addEntry({ kind: "device_id", value: device, action: "block" })).body.entry;
    const deleted = await call("DELETE", `/v1/lists/entries/${entry.id}`);
    expect(deleted.status).toBe(200);
    expect((await deleted.json<{ deleted: Entry }>()).deleted.id).toBe(entry.id);
    expect((await score(transaction({ device: { id: device } }))).decision_source).toBe("model");
    expect((await call("GET", `/v1/lists/entries/${entry.id}`)).status).toBe(404);
  });

  it("a checkout page's answer says neither what decided nor which entry", async () => {
    const card = unique("card_fp");
    await addEntry({ kind: "card_fingerprint", value: card, action: "block", note: "internal note" });
    const res = await postJson("/v1/score", transaction({ card: { fingerprint: card } }), { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN });
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    // The risk level follows the decision: the model's own (low here) would tell the shopper a list overrode it.
    expect(body).toMatchObject({ decision: "decline", risk_level: "high" });
    expect(body).not.toHaveProperty("decision_source");
    expect(body).not.toHaveProperty("policy");
    expect(JSON.stringify(body)).not.toContain("internal note");
  });

  it("entries are listed a page at a time, by kind", async () => {
    const values = Array.from({ length: 5 }, () => unique("dev_page"));
    for (const v of values) await addEntry({ kind: "device_id", value: v, action: "review" }, OTHER_SECRET_KEY);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await call("GET", `/v1/lists/entries?kind=device_id&limit=2${cursor ? `&cursor=${cursor}` : ""}`, OTHER_SECRET_KEY);
      expect(res.status).toBe(200);
      const body = await res.json<{ entries: Entry[]; next_cursor: string | null }>();
      for (const e of body.entries) expect(e.kind).toBe("device_id");
      seen.push(...body.entries.map((e) => e.value));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expect.arrayContaining(values));
  });
});
