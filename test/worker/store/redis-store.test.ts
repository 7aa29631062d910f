import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { BehaviourReplay, ENTITY_KINDS, FEATURE_NAMES, buildFeatureVector, type ScoringInput } from "../../../src/features";
import type { Transaction } from "../../../src/schemas/transaction";
import { RedisFeatureStore } from "../../../src/store/redis";
import { storeItem } from "./items";

/**
 * The Redis feature store against a real redis-server (through the local Upstash REST endpoint): the states it
 * serves must be exactly the states the training pipeline computes by replaying the same history in memory.
 */
const store = () =>
  new RedisFeatureStore({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 });

const run = `${Date.now().toString(36)}`;
const T0 = Date.parse("2026-11-01T00:00:00Z");

/** A small history with shared cards, devices, IPs and customers, out-of-window gaps and bursts. */
function history(n: number): ScoringInput[] {
  const out: ScoringInput[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += i % 17 === 0 ? 3 * 24 * 3600_000 : i % 5 === 0 ? 40 * 60_000 : 20_000; // gaps longer than the 1 h / 7 d windows
    const tx: Transaction = {
      transaction_id: `${run}_h_${i}`,
      amount: 500 + ((i * 7919) % 40_000),
      currency: i % 3 === 0 ? "EUR" : "USD",
      merchant: { id: `m_${i % 4}`, category: "5732", country: "US" },
      card: { fingerprint: `${run}_card_${i % 6}`, country: i % 4 === 0 ? "GB" : "US" },
      device: { id: `${run}_dev_${i % 5}`, ip: `198.51.100.${i % 3}`, ip_country: i % 7 === 0 ? "NG" : "US" },
      customer: { id: `${run}_cus_${i % 7}` },
    };
    out.push({ tx, edge: { country: "US", asn: 7922 }, t });
  }
  return out;
}

describe("Redis feature store", () => {
  it("serves exactly the features the pipeline's replay computes (training/serving parity)", async () => {
    const s = store();
    const replay = new BehaviourReplay();
    const inputs = history(150);
    // Scored in batches of varying size, as traffic would arrive: one round trip per batch.
    for (let i = 0; i < inputs.length; ) {
      const size = 1 + (i % 9);
      const chunk = inputs.slice(i, i + size);
      const outcomes = await s.recordAndLoad(chunk.map((input) => storeItem(input, `parity:${input.tx.transaction_id}`)));
      chunk.forEach((input, j) => {
        const o = outcomes[j]!;
        expect(o.kind).toBe("recorded");
        if (o.kind !== "recorded") return;
        const served = buildFeatureVector(input, o.states);
        const expected = replay.next(input);
        for (let f = 0; f < FEATURE_NAMES.length; f++) {
          expect(served[f], `${input.tx.transaction_id} ${FEATURE_NAMES[f]}`).toBe(expected[f]);
        }
      });
      i += size;
    }
    // And the stored state equals the replayed state, entity by entity.
    for (const kind of ENTITY_KINDS) {
      const id = kind === "card" ? `${run}_card_1` : kind === "device" ? `${run}_dev_1` : kind === "ip" ? "198.51.100.1" : `${run}_cus_1`;
      if (kind === "ip") continue; // IPs are shared with other tests in this run
      expect(await s.entity(kind, id)).toEqual(replay.stateOf(kind, id));
    }
  });

  it("counts every one of N parallel scores on one card", async () => {
    const s = store();
    const N = 40;
    const card = `${run}_parallel_card`;
    // From as many merchants: one merchant's share of an entity is capped (MAX_EVENTS_PER_MERCHANT).
    const inputs: ScoringInput[] = Array.from({ length: N }, (_, i) => ({
      tx: { transaction_id: `${run}_par_${i}`, amount: 1000, currency: "USD", merchant: { id: `m_par_${i}` }, card: { fingerprint: card } },
      edge: {},
      t: Date.now(),
    }));
    const outcomes = await Promise.all(inputs.map((input) => s.recordAndLoad([storeItem(input, `par:${input.tx.transaction_id}`)])));
    // Atomic read-and-update: each request saw a different number of earlier events, 0 … N-1.
    const seen = outcomes.map((o) => (o[0]!.kind === "recorded" ? o[0]!.states.card!.events.length : -1)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    expect((await s.entity("card", card))!.events).toHaveLength(N);
  });

  it("records a transaction id once: a replay returns the stored response, a concurrent one is in progress", async () => {
    const s = store();
    const input: ScoringInput = {
      tx: { transaction_id: `${run}_idem`, amount: 1000, currency: "USD", merchant: { id: "m" }, card: { fingerprint: `${run}_idem_card` } },
      edge: {},
      t: Date.now(),
    };
    const item = storeItem(input, `m:${run}_idem`);
    const other = storeItem(input, item.idempotencyKey, "0".repeat(64));
    expect((await s.recordAndLoad([item]))[0]!.kind).toBe("recorded");
    expect((await s.recordAndLoad([item]))[0]!.kind).toBe("in_progress");
    expect((await s.recordAndLoad([other]))[0]!.kind).toBe("mismatch");
    await s.saveResponses([{ item, response: { score: 0.5 } }]);
    expect((await s.recordAndLoad([item]))[0]).toEqual({ kind: "replay", response: { score: 0.5 } });
    expect((await s.recordAndLoad([other]))[0]!.kind).toBe("mismatch");
    expect((await s.entity("card", `${run}_idem_card`))!.events).toHaveLength(1);
  });

  it("drops events older than 7 days and keeps at most 100", async () => {
    const s = store();
    const card = `${run}_expiry_card`;
    const at = (i: number, t: number): ScoringInput => ({
      tx: { transaction_id: `${run}_exp_${i}`, amount: 100, currency: "USD", merchant: { id: `m_${i % 10}` }, card: { fingerprint: card } },
      edge: {},
      t,
    });
    const old = Date.now() - 8 * 24 * 3600_000;
    await s.recordAndLoad([storeItem(at(0, old), `exp:0` + run)]);
    const items = Array.from({ length: 120 }, (_, i) => storeItem(at(i + 1, Date.now() - 120_000 + i * 1000), `exp:${i + 1}` + run));
    await s.recordAndLoad(items);
    const state = (await s.entity("card", card))!;
    expect(state.events).toHaveLength(100);
    expect(state.events[0]!.id).toBe(`${run}_exp_21`);
    expect(state.firstSeen).toBe(old); // first-seen outlives the event window
  });

  it("reports readiness with latency", async () => {
    const r = await store().ping();
    expect(r.status).toBe("ok");
  });

  it("is configured from the Worker's bindings", () => {
    expect(env.UPSTASH_REDIS_REST_URL).toBe(inject("redisRestUrl"));
  });
});
