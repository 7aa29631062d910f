import { describe, expect, it } from "vitest";
import { OTHER_MERCHANT, OTHER_SECRET_KEY, TEST_MERCHANT } from "../auth/keys";
import { bearer, getWithKey, transaction } from "../helpers";
import { addEntry, unique } from "../policy/helpers";
import { stream } from "./helpers";

interface EntityBody {
  events: { transaction_id: string }[];
}

describe("stream scoring: a transactions topic scored through the pipeline", () => {
  it("every record is answered once on the results topic, in one pass, with each merchant's own policy, and the offsets committed", async () => {
    const s = stream("happy");
    const card = unique("card_fp_stream");
    // m_test blocks the card; m_other does not. Both merchants' records share every batch.
    expect((await addEntry({ kind: "card_fingerprint", value: card, action: "block" })).status).toBe(201);
    const mine = Array.from({ length: 20 }, (_, i) => transaction(i % 5 === 0 ? { card: { fingerprint: card } } : {}));
    const theirs = Array.from({ length: 10 }, (_, i) => transaction({ merchant: { id: OTHER_MERCHANT }, ...(i % 5 === 0 ? { card: { fingerprint: card } } : {}) }));
    const records = mine.flatMap((tx, i) => [{ value: tx }, ...(theirs[i] ? [{ value: theirs[i], authorization: bearer(OTHER_SECRET_KEY).authorization }] : [])]);
    await s.publish(records);

    const report = await s.pass();
    expect(report).toMatchObject({ records: 30, scored: 30, replayed: 0, dead: 0, stalled: [], lag: 0 });
    expect(report.error).toBeUndefined();

    const results = await s.results();
    expect(results).toHaveLength(30);
    const ids = results.map((r) => r.value.transaction_id);
    expect(new Set(ids).size).toBe(30);
    expect(ids.sort()).toEqual([...mine, ...theirs].map((t) => t.transaction_id as string).sort());
    for (const r of results) {
      expect(r.headers.transaction_id).toBe(r.value.transaction_id);
      expect(r.key).toBe(r.value.merchant_id);
      expect(r.value.result.transaction_id).toBe(r.value.transaction_id);
      expect(r.raw).not.toMatch(/sk_test_/);
    }
    const byId = new Map(results.map((r) => [r.value.transaction_id, r.value]));
    for (const tx of mine) expect(byId.get(tx.transaction_id as string)!.merchant_id).toBe(TEST_MERCHANT);
    for (const tx of theirs) expect(byId.get(tx.transaction_id as string)!.merchant_id).toBe(OTHER_MERCHANT);
    // The list is m_test's: its records on the card are declined by it, m_other's on the same card are not.
    for (const tx of mine.filter((t) => (t.card as { fingerprint: string }).fingerprint === card)) {
      expect(byId.get(tx.transaction_id as string)!.result).toMatchObject({ decision: "decline", decision_source: "list" });
    }
    for (const tx of theirs.filter((t) => (t.card as { fingerprint: string }).fingerprint === card)) {
      expect(byId.get(tx.transaction_id as string)!.result.decision_source).toBe("model");
    }
    // The shared card's history has each transaction once: a merchant's view lists its own events (4 and 2).
    expect((await (await getWithKey(`/v1/entities/card/${card}`)).json<EntityBody>()).events).toHaveLength(4);
    expect((await (await getWithKey(`/v1/entities/card/${card}`, bearer(OTHER_SECRET_KEY))).json<EntityBody>()).events).toHaveLength(2);

    expect(await s.status()).toMatchObject({ lag: 0, partitions: [{ partition: 0, committed: 30, end: 30, lag: 0 }] });
    // Drained: another pass finds nothing.
    expect(await s.pass()).toMatchObject({ records: 0, batches: 0 });
  });

  it("a record delivered again is answered from the idempotency store: replayed, its behaviour counted once", async () => {
    const s = stream("redelivered");
    const card = unique("card_fp_stream");
    const tx = transaction({ card: { fingerprint: card } });
    await s.publish([{ value: tx }]);
    expect(await s.pass()).toMatchObject({ records: 1, scored: 1 });
    // The producer sent it again (a retry on its side): the same transaction, a new record.
    await s.publish([{ value: tx }]);
    expect(await s.pass()).toMatchObject({ records: 1, scored: 0, replayed: 1 });
    const results = await s.results();
    expect(results.map((r) => r.value.result.replayed ?? false)).toEqual([false, true]);
    expect(results[1]!.value.result.score).toBe(results[0]!.value.result.score);
    expect((await (await getWithKey(`/v1/entities/card/${card}`)).json<EntityBody>()).events).toHaveLength(1);
  });

  it("batches are bounded by STREAM_BATCH and every partition is read", async () => {
    const s = stream("batches", { STREAM_BATCH: "7" });
    await s.publish(Array.from({ length: 12 }, () => ({ value: transaction(), partition: 0 })));
    await s.publish(Array.from({ length: 8 }, () => ({ value: transaction(), partition: 1 })));
    const report = await s.pass();
    expect(report).toMatchObject({ records: 20, scored: 20, lag: 0 });
    expect(report.batches).toBe(3);
    const status = await s.status();
    expect(status.partitions).toEqual([
      { partition: 0, committed: 12, end: 12, lag: 0 },
      { partition: 1, committed: 8, end: 8, lag: 0 },
    ]);
    expect(await s.results()).toHaveLength(20);
  });
});
