import { describe, expect, inject, it } from "vitest";
import { toStoreItem } from "../../../src/pipeline";
import { TransactionRequestSchema } from "../../../src/schemas/transaction";
import { RedisFeatureStore } from "../../../src/store/redis";
import { upstashRedis } from "../../../src/store/upstash";
import { OTHER_SECRET_KEY } from "../auth/keys";
import { bearer } from "../helpers";
import { addEntry } from "../policy/helpers";
import { findPanPaths } from "../../../src/utils/pan";
import { setKafkaDown } from "../alerts/kafka";
import { getWithKey, transaction } from "../helpers";
import { unique } from "../policy/helpers";
import { stream } from "./helpers";

interface EntityBody {
  events: { transaction_id: string }[];
}

describe("stream scoring: records it cannot score, and failures before the commit", () => {
  it("poison records go to the dead-letter topic with their problem document and never block the partition", async () => {
    const s = stream("poison");
    const good = [transaction(), transaction(), transaction()];
    const reused = transaction();
    await s.publish([
      { value: good[0] },
      { value: "{not json" },
      { value: transaction({ card: { fingerprint: "4242424242424242" } }) },
      { value: transaction({ amount: -5 }) },
      { value: good[1] },
      { value: transaction({ created_at: new Date(Date.now() - 3 * 3_600_000).toISOString() }) },
      { value: reused },
      { value: { ...reused, amount: 1 } },
      { value: good[2] },
    ]);
    const report = await s.pass();
    expect(report).toMatchObject({ records: 9, scored: 4, dead: 5, stalled: [], lag: 0 });

    const results = await s.results();
    expect(results.map((r) => r.value.transaction_id).sort()).toEqual([...good, reused].map((t) => t.transaction_id as string).sort());
    const dead = await s.deadLetters();
    expect(dead.map((d) => [d.value.source.offset, d.value.problem.code, d.headers.problem])).toEqual([
      [1, "malformed_json", "malformed_json"],
      [2, "pan_detected", "pan_detected"],
      [3, "validation_failed", "validation_failed"],
      [5, "validation_failed", "validation_failed"],
      [7, "idempotency_key_reused", "idempotency_key_reused"],
    ]);
    expect(dead[2]!.value.problem.errors).toEqual([expect.objectContaining({ path: "amount" })]);
    expect(dead[3]!.value.problem.errors).toEqual([expect.objectContaining({ path: "created_at", code: "out_of_range" })]);
    // The record as it came, so it can be fixed and sent again — except a card number, which is never copied.
    expect(dead[0]!.value.value).toBe("{not json");
    expect(dead[1]!.value).toMatchObject({ value_redacted: true });
    expect(dead[1]!.raw).not.toContain("4242424242424242");
    for (const d of dead) {
      expect(findPanPaths(JSON.parse(d.raw))).toEqual([]);
      expect(d.headers.authorization).toBeUndefined();
    }
  });

  it("when the answers cannot be produced nothing is committed; the next pass answers the same records from the idempotency store", async () => {
    // Alerts get a short budget too: the pass waits for its after-answer work (a down topic spills them).
    const s = stream("produce-down", { ALERT_BUDGET_MS: "1000" });
    const card = unique("card_fp_stream");
    const txs = Array.from({ length: 5 }, () => transaction({ card: { fingerprint: card } }));
    await s.publish(txs.map((value) => ({ value })));
    await setKafkaDown(true);
    let failed;
    try {
      failed = await s.pass(3_000);
    } finally {
      await setKafkaDown(false);
    }
    expect(failed.error).toBeDefined();
    expect(failed.records).toBe(0);
    expect((await s.status()).lag).toBe(5);
    expect(await s.results()).toHaveLength(0);

    const again = await s.pass();
    expect(again).toMatchObject({ records: 5, scored: 0, replayed: 5, lag: 0 });
    // At least once: the failed pass's produce may still land late (its client retries after the pass gave up), so
    // a transaction can be answered twice — with the same answer; consumers dedupe on transaction_id.
    const results = await s.results();
    expect([...new Set(results.map((r) => r.value.transaction_id))].sort()).toEqual(txs.map((t) => t.transaction_id as string).sort());
    expect(results.filter((r) => r.value.result.replayed === true)).toHaveLength(5);
    for (const tx of txs) expect(new Set(results.filter((r) => r.value.transaction_id === tx.transaction_id).map((r) => r.value.result.score)).size).toBe(1);
    // Scored once: the card's history holds each of the five once.
    expect((await (await getWithKey(`/v1/entities/card/${card}`)).json<EntityBody>()).events).toHaveLength(5);
  });

  it("a record another attempt is still scoring stalls its partition: nothing past it is committed, and a later pass goes on", async () => {
    const s = stream("in-progress");
    const busy = transaction();
    const after = transaction();
    // An attempt that recorded the transaction and has not stored its answer yet (a consumer killed mid-batch, or
    // the same transaction scored over HTTP right now): its reservation is pending.
    const store = new RedisFeatureStore({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 });
    const item = await toStoreItem(TransactionRequestSchema.parse(busy) as never, {}, Date.now(), { kind: "secret", mode: "test" });
    expect((await store.recordAndLookup([item], []))).toMatchObject({ outcomes: [{ kind: "recorded" }] });

    await s.publish([{ value: busy }, { value: after }]);
    const stalled = await s.pass();
    expect(stalled).toMatchObject({ records: 0, stalled: [0] });
    expect((await s.status()).partitions[0]).toMatchObject({ committed: 0, lag: 2 });
    expect(await s.results()).toHaveLength(0);

    // The first attempt finishes (its answer stored): the next pass answers both, the second from the store.
    await store.saveResponses([{ item, response: { transaction_id: busy.transaction_id, score: 0.5, decision: "review" } }]);
    const resumed = await s.pass();
    expect(resumed).toMatchObject({ records: 2, scored: 0, replayed: 2, stalled: [], lag: 0 });
    expect((await s.results()).map((r) => [r.value.transaction_id, r.value.result.replayed])).toEqual([
      [busy.transaction_id, true],
      [after.transaction_id, true],
    ]);
  });

  it("a record nested too deep, a PAN inside text that is not JSON, a copy within the batch: none stops the partition", async () => {
    const s = stream("odd-records");
    let deep: unknown = { x: 1 };
    for (let i = 0; i < 5_000; i++) deep = { deep };
    const tx = transaction();
    await s.publish([
      { value: JSON.stringify(deep) },
      { value: '{"card": {"number": "4242 4242 4242 4242"' },
      { value: tx },
      { value: tx },
      { value: transaction() },
    ]);
    const report = await s.pass();
    expect(report).toMatchObject({ records: 5, scored: 2, replayed: 1, dead: 2, stalled: [], lag: 0 });
    const dead = await s.deadLetters();
    expect(dead.map((d) => d.value.problem.code)).toEqual(["validation_failed", "malformed_json"]);
    expect(dead[0]!.value.problem.errors).toEqual([expect.objectContaining({ code: "too_deep" })]);
    expect(dead[1]!.raw).not.toContain("4242 4242 4242 4242");
    expect(dead[1]!.value).toMatchObject({ value_masked: true });
    const copies = (await s.results()).filter((r) => r.value.transaction_id === tx.transaction_id);
    expect(copies.map((c) => c.value.result.replayed ?? false)).toEqual([false, true]);
    expect(copies[1]!.value.result.score).toBe(copies[0]!.value.result.score);
  });

  it("when the feature store does not answer, the batch is not answered with neutral behaviour: it is left for the next pass", async () => {
    const topics = stream("store-down");
    // The same topics through an app whose feature store cannot answer in time.
    const down = stream("store-down", { ...topics.topics, REDIS_TIMEOUT_MS: "1" });
    const card = unique("card_fp_stream");
    const txs = Array.from({ length: 3 }, () => transaction({ card: { fingerprint: card } }));
    await topics.publish(txs.map((value) => ({ value })));
    const failed = await down.pass(3_000);
    expect(failed.error).toMatch(/feature store/);
    expect(failed.records).toBe(0);
    expect(await topics.results()).toHaveLength(0);
    expect((await topics.status()).lag).toBe(3);

    const again = await topics.pass();
    expect(again).toMatchObject({ records: 3, scored: 3, lag: 0 });
    expect((await topics.results()).every((r) => !r.value.result.degraded.includes("features"))).toBe(true);
    expect((await (await getWithKey(`/v1/entities/card/${card}`)).json<EntityBody>()).events).toHaveLength(3);
  });

  it("a record that waited in the topic past created_at's tolerance is scored, not refused for its age", async () => {
    const s = stream("late");
    const published = Date.now() - 30 * 60_000;
    const tx = transaction({ created_at: new Date(published).toISOString() });
    await s.publish([{ value: tx, timestamp: published }]);
    expect(await s.pass()).toMatchObject({ records: 1, scored: 1, dead: 0 });
  });

  it("one merchant's damaged policy does not hold a mixed batch: its items use the policy held, flagged; the other's list applies", async () => {
    const s = stream("damaged-policy");
    const redis = upstashRedis({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5_000 });
    const settings = "pol:v1:m_other:settings";
    const aside = `${settings}:aside-${Date.now()}`;
    const card = unique("card_fp_stream");
    expect((await addEntry({ kind: "card_fingerprint", value: card, action: "block" })).status).toBe(201);
    const moved = (await redis.exists(settings)) === 1;
    if (moved) await redis.rename(settings, aside);
    await redis.set(settings, "not a hash");
    try {
      await s.publish([{ value: transaction({ card: { fingerprint: card } }) }, { value: transaction({ merchant: { id: "m_other" } }), authorization: bearer(OTHER_SECRET_KEY).authorization }]);
      const report = await s.pass();
      expect(report).toMatchObject({ records: 2, scored: 2, lag: 0 });
      expect(report.error).toBeUndefined();
    } finally {
      await redis.del(settings);
      if (moved) await redis.rename(aside, settings);
    }
    const byMerchant = new Map((await s.results()).map((r) => [r.value.merchant_id, r.value.result]));
    // m_test's policy was read: its answer is not flagged for m_other's.
    expect(byMerchant.get("m_test")).toMatchObject({ decision: "decline", decision_source: "list", degraded: [] });
    expect(byMerchant.get("m_other")!.degraded).toContain("policy");
    expect(byMerchant.get("m_other")!.degraded).not.toContain("features");
  });
});
