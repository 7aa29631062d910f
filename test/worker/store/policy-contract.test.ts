import { describe, expect, inject, it } from "vitest";
import type { FeatureStore, StoreItem } from "../../../src/store/interface";
import { reservationFor } from "../../../src/store/interface";
import { MemoryFeatureStore } from "../../../src/store/memory";
import type { PolicyStore } from "../../../src/store/policy/interface";
import { MemoryPolicyStore } from "../../../src/store/policy/memory";
import { RedisPolicyStore } from "../../../src/store/policy/redis";
import { RedisFeatureStore } from "../../../src/store/redis";
import type { ListEntry } from "../../../src/schemas/policy";
import { transaction } from "../helpers";
import { TransactionSchema } from "../../../src/schemas/transaction";

/**
 * The policy store and the feature store's lookup, memory against Redis (the local redis-server): the same
 * changes, the same versions, audit records and lookups — also across the several script calls of a large batch.
 */
const redis = () => ({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5_000 });

function pair(kind: "redis" | "memory"): { store: FeatureStore; policy: PolicyStore } {
  if (kind === "redis") return { store: new RedisFeatureStore(redis()), policy: new RedisPolicyStore(redis()) };
  const store = new MemoryFeatureStore();
  return { store, policy: new MemoryPolicyStore(store.policy) };
}

const entry = (kind: ListEntry["kind"], value: string, action: ListEntry["action"], id: string): ListEntry => ({
  id,
  kind,
  value,
  action,
  created_at: "2026-12-01T00:00:00.000Z",
  created_by: "key_0000000000000000",
});
const audit = (e?: ListEntry) => ({ at: "2026-12-01T00:00:00.000Z", actor: "key_0000000000000000", action: "list_entry.put" as const, ...(e && { entry: e }) });

function item(merchant: string, i: number): StoreItem {
  const tx = TransactionSchema.parse(transaction({ merchant: { id: merchant }, card: { fingerprint: `card_fp_c${i}` } }));
  const fingerprint = `fp${i}`;
  return { input: { tx, edge: {}, t: Date.now() }, source: "secret", idempotencyKey: `${merchant}:${tx.transaction_id}`, fingerprint, reservation: reservationFor(fingerprint) };
}

describe.each(["redis", "memory"] as const)("%s policy", (kind) => {
  it("changes bump the version once each, are audited newest first, and the lookup returns what they filed", async () => {
    const { store, policy } = pair(kind);
    const merchant = `m_pc_${crypto.randomUUID().slice(0, 8)}`;
    const blockCard = entry("card_fingerprint", "card_fp_c3", "block", "le_0000000000000001");
    const range = entry("ip", "198.18.0.0/16", "review", "le_0000000000000002");
    expect(await policy.putEntry(merchant, blockCard, false, audit(blockCard))).toEqual({ kind: "stored", version: 1 });
    expect(await policy.putEntry(merchant, range, true, audit(range))).toEqual({ kind: "stored", version: 2 });
    const replaced = { ...blockCard, action: "review" as const };
    expect(await policy.putEntry(merchant, replaced, false, audit(replaced))).toEqual({ kind: "stored", version: 3, replaced: blockCard });
    expect(await policy.putThresholds(merchant, { review: 0.1, decline: 0.2 }, { at: "2026-12-01T00:00:00.000Z", actor: "key_0000000000000000", action: "thresholds.put" })).toEqual({ version: 4 });
    expect(await policy.settings(merchant)).toEqual({ version: 4, thresholds: { review: 0.1, decline: 0.2 }, entries: 2, ranges: 1 });
    expect((await policy.audit(merchant, 10)).map((r) => [r.version, r.action, r.before !== undefined])).toEqual([
      [4, "thresholds.put", false],
      [3, "list_entry.put", true],
      [2, "list_entry.put", false],
      [1, "list_entry.put", false],
    ]);

    // 250 items: three script calls in one pipeline; the hit is in the first call's items and in the last's.
    const items = Array.from({ length: 250 }, (_, i) => item(merchant, i === 240 ? 3 : i));
    const fieldsPerItem = items.map((it) => [`card_fingerprint:${it.input.tx.card.fingerprint}`]);
    const first = await store.recordAndLookup(items, [{ merchant, knownVersion: undefined, fieldsPerItem }]);
    expect(first.outcomes.every((o) => o.kind === "recorded")).toBe(true);
    expect(first.policies?.[0]?.version).toBe(4);
    expect(Object.keys(first.policies![0]!.hits)).toEqual(["card_fingerprint:card_fp_c3"]);
    expect(JSON.parse(first.policies![0]!.hits["card_fingerprint:card_fp_c3"]!)).toEqual(replaced);
    expect(first.policies?.[0]?.doc?.ranges.map((r) => JSON.parse(r))).toEqual([range]);
    expect(JSON.parse(first.policies![0]!.doc!.thresholds!)).toEqual({ review: 0.1, decline: 0.2 });

    // The version held: the ranges and thresholds are not sent again.
    const again = await store.recordAndLookup([item(merchant, 1000)], [{ merchant, knownVersion: 4, fieldsPerItem: [["card_fingerprint:card_fp_c1000"]] }]);
    expect(again.policies?.[0]).toEqual({ version: 4, hits: {} });

    const removed = await policy.deleteEntry(merchant, range.id, { at: "2026-12-01T00:00:00.000Z", actor: "key_0000000000000000", action: "list_entry.delete" });
    expect(removed).toEqual({ version: 5, removed: range });
    expect(await policy.deleteEntry(merchant, range.id, { at: "2026-12-01T00:00:00.000Z", actor: "key_0000000000000000", action: "list_entry.delete" })).toEqual({ version: 5 });
    const after = await store.recordAndLookup([item(merchant, 1001)], [{ merchant, knownVersion: 4, fieldsPerItem: [[]] }]);
    expect(after.policies?.[0]?.doc?.ranges).toEqual([]);
    expect(await policy.getEntry(merchant, blockCard.id)).toEqual(replaced);
    expect(await policy.getEntry(merchant, range.id)).toBeUndefined();
  });

  it("a write purges expired entries (they stop counting), and an id already another value's is refused", async () => {
    const { policy } = pair(kind);
    const merchant = `m_pc_${crypto.randomUUID().slice(0, 8)}`;
    const now = Date.parse("2026-12-01T00:00:00Z");
    const soon = { ...entry("device_id", "short", "block", "le_00000000000000a1"), expires_at: new Date(now + 1_000).toISOString() };
    await policy.putEntry(merchant, soon, false, audit(soon), now);
    expect((await policy.settings(merchant)).entries).toBe(1);
    const later = entry("device_id", "later", "block", "le_00000000000000a2");
    await policy.putEntry(merchant, later, false, audit(later), now + 2_000);
    expect((await policy.settings(merchant)).entries).toBe(1);
    expect(await policy.getEntry(merchant, soon.id)).toBeUndefined();
    const clash = entry("device_id", "other", "block", later.id);
    expect(await policy.putEntry(merchant, clash, false, audit(clash), now + 3_000)).toEqual({ kind: "collision" });
    expect(await policy.getEntry(merchant, later.id)).toEqual(later);
  });

  it("pages through every entry of a kind exactly once", async () => {
    const { policy } = pair(kind);
    const merchant = `m_pc_${crypto.randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 30; i++) {
      const e = entry(i % 3 === 0 ? "device_id" : "customer_id", `v${i}`, "block", `le_${String(i).padStart(16, "0")}`);
      await policy.putEntry(merchant, e, false, audit(e));
    }
    const seen: string[] = [];
    let cursor = "0";
    do {
      const page = await policy.listEntries(merchant, { kind: "device_id", cursor, limit: 3 });
      seen.push(...page.entries.map((e) => e.value));
      cursor = page.cursor;
    } while (cursor !== "0");
    expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `v${i * 3}`).sort());
  });
});
