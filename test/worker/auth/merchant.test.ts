import { describe, expect, it } from "vitest";
import type { ProblemBody } from "../helpers";
import { bareTransaction, call, freshMerchant, newKey } from "./helpers";

interface Scored {
  transaction_id: string;
  score: number;
}
interface EntityBody {
  events: { transaction_id: string; merchant_id: string }[];
  windows: { "7d": { count: number; merchants: number } };
}

describe("a key acts for its merchant only", () => {
  it("merchant.id is filled from the key when left out, and may be given if it is the key's", async () => {
    const merchant = freshMerchant("fill");
    const { key } = await newKey({ kind: "secret", merchantId: merchant });
    const tx = bareTransaction();
    expect((await call("/v1/score", { key, body: tx })).status).toBe(200);
    const same = { ...bareTransaction(), card: tx.card, merchant: { id: merchant, category: "5732" } };
    expect((await call("/v1/score", { key, body: same })).status).toBe(200);

    const fp = (tx.card as { fingerprint: string }).fingerprint;
    const entity = await (await call(`/v1/entities/card/${fp}`, { key })).json<EntityBody>();
    expect(entity.events.map((e) => e.merchant_id)).toEqual([merchant, merchant]);
  });

  it("403 for another merchant's id in POST /v1/score, naming the field; nothing is recorded", async () => {
    const { key } = await newKey({ kind: "secret" });
    const tx = bareTransaction();
    const res = await call("/v1/score", { key, body: { ...tx, merchant: { id: "m_someone_else" } } });
    expect(res.status).toBe(403);
    const p = await res.json<ProblemBody>();
    expect(p.code).toBe("forbidden");
    expect(p.errors!.map((e) => e.path)).toEqual(["merchant.id"]);
    const fp = (tx.card as { fingerprint: string }).fingerprint;
    expect((await call(`/v1/entities/card/${fp}`, { key })).status).toBe(404);
  });

  it("a publishable key cannot score for another merchant either", async () => {
    const origin = "https://shop.example.com";
    const { key } = await newKey({ kind: "publishable", allowedOrigins: [origin] });
    const res = await call("/v1/score", { key, origin, body: { ...bareTransaction(), merchant: { id: "m_someone_else" } } });
    expect(res.status).toBe(403);
  });

  it("in a batch, an item naming another merchant gets its own 403 error; the others are scored", async () => {
    const { key } = await newKey({ kind: "secret" });
    const items = [bareTransaction(), { ...bareTransaction(), merchant: { id: "m_someone_else" } }, bareTransaction()];
    const res = await call("/v1/score/batch", { key, body: { transactions: items } });
    expect(res.status).toBe(200);
    const { results } = await res.json<{ results: (Scored | { transaction_id: string; error: ProblemBody })[] }>();
    expect("score" in results[0]!).toBe(true);
    expect("score" in results[2]!).toBe(true);
    const err = (results[1] as { error: ProblemBody }).error;
    expect(err.code).toBe("forbidden");
    expect(err.status).toBe(403);
    expect(err.errors!.map((e) => e.path)).toEqual(["transactions[1].merchant.id"]);
  });

  it("the same transaction id at two merchants is two transactions (idempotency is per merchant)", async () => {
    const a = await newKey({ kind: "secret" });
    const b = await newKey({ kind: "secret" });
    const tx = bareTransaction();
    expect((await call("/v1/score", { key: a.key, body: tx })).status).toBe(200);
    const atB = await call("/v1/score", { key: b.key, body: tx });
    expect(atB.status).toBe(200);
    expect(atB.headers.get("idempotent-replayed")).toBeNull();
  });

  it("the entity route lists only the key merchant's events, and hides entities it never saw", async () => {
    const mine = await newKey({ kind: "secret" });
    const theirs = await newKey({ kind: "secret" });
    const stranger = await newKey({ kind: "secret" });
    const fp = `fp_shared_${crypto.randomUUID().slice(0, 8)}`;
    for (const k of [mine, theirs, theirs]) {
      expect((await call("/v1/score", { key: k.key, body: { ...bareTransaction(), card: { fingerprint: fp } } })).status).toBe(200);
    }
    const res = await call(`/v1/entities/card/${fp}`, { key: mine.key });
    expect(res.status).toBe(200);
    const body = await res.json<EntityBody>();
    expect(body.events).toHaveLength(1);
    expect(body.events[0]!.merchant_id).toBe(mine.record.merchant_id);
    // Every figure is the key merchant's own: the network's activity stays the model's input, never shown.
    expect(body.windows["7d"]).toMatchObject({ count: 1, merchants: 1 });
    expect((await call(`/v1/entities/card/${fp}`, { key: stranger.key })).status).toBe(404);
  });
});
