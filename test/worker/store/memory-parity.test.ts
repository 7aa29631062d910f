import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { ENTITY_KINDS, MAX_EVENTS, MAX_EVENTS_PER_MERCHANT, RETENTION_MS } from "../../../src/features";
import type { Transaction } from "../../../src/schemas/transaction";
import type { FeatureStore, RecordOutcome, StoreItem } from "../../../src/store/interface";
import { MemoryFeatureStore } from "../../../src/store/memory";
import { RedisFeatureStore } from "../../../src/store/redis";
import { storeItem } from "./items";

/**
 * The memory feature store (applyEvent, in the isolate) against the Lua script on a real redis-server: the same
 * calls, in the same order, must get the same answers — states before each transaction, replays, reservations
 * in progress — and leave the same entities behind. Histories are generated (fast-check) to reach what is easy to
 * get wrong: events out of time order, the same event recorded under two idempotency keys (a sorted set keeps one
 * member), events older than the retention window, more than MAX_EVENTS on one entity, idempotency keys reused
 * before and after the answer was stored, and transactions that name only some entities.
 */
const redis = () => new RedisFeatureStore({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 });
const T0 = Date.parse("2026-11-01T00:00:00Z");

interface Step {
  card: number;
  device: number | null;
  ip: number | null;
  customer: number | null;
  /** Minutes after T0: up to 9 days, so some events fall out of the 7-day window of later ones. */
  minute: number;
  amount: number;
  /** Reuse an earlier step's transaction: the same request again, its key with another body, or its event under another key. */
  repeat: "no" | "same_key" | "other_body" | "other_key";
  /** Store this step's answer afterwards, so a later repeat is a replay rather than "in progress". */
  answered: boolean;
}

const step: fc.Arbitrary<Step> = fc.record({
  card: fc.integer({ min: 0, max: 2 }),
  device: fc.option(fc.integer({ min: 0, max: 2 })),
  ip: fc.option(fc.integer({ min: 0, max: 1 })),
  customer: fc.option(fc.integer({ min: 0, max: 2 })),
  minute: fc.integer({ min: 0, max: 9 * 24 * 60 }),
  amount: fc.integer({ min: 1, max: 500_000 }),
  repeat: fc.constantFrom("no", "no", "no", "same_key", "other_body", "other_key"),
  answered: fc.boolean(),
});

let runs = 0;

function items(steps: Step[], merchantOf: (i: number) => string = (i) => `m_${i % 3}`): StoreItem[] {
  const run = `${Date.now().toString(36)}_${runs++}`;
  // IPs are ids like any other: this run's own, so no earlier run's history is in their state.
  const net = Array.from(crypto.getRandomValues(new Uint16Array(2)), (g) => g.toString(16)).join(":");
  const made: StoreItem[] = [];
  steps.forEach((s, i) => {
    const earlier = made.length > 0 && s.repeat !== "no" ? made[i % made.length] : undefined;
    if (earlier) {
      if (s.repeat === "same_key") made.push(storeItem(earlier.input, earlier.idempotencyKey, earlier.fingerprint));
      else if (s.repeat === "other_body") made.push(storeItem(earlier.input, earlier.idempotencyKey, "0".repeat(64)));
      else made.push(storeItem(earlier.input, `${earlier.idempotencyKey}:other`, earlier.fingerprint));
      return;
    }
    const tx: Transaction = {
      transaction_id: `${run}_tx_${i}`,
      amount: s.amount,
      currency: "USD",
      merchant: { id: merchantOf(i) },
      card: { fingerprint: `${run}_card_${s.card}` },
      ...(s.customer !== null && { customer: { id: `${run}_cus_${s.customer}` } }),
      ...((s.device !== null || s.ip !== null) && {
        device: { ...(s.device !== null && { id: `${run}_dev_${s.device}` }), ...(s.ip !== null && { ip: `2001:db8:${net}::${s.ip}` }) },
      }),
    };
    made.push(storeItem({ tx, edge: { country: "US" }, t: T0 + s.minute * 60_000 }, `parity:${run}:${tx.transaction_id}`));
  });
  return made;
}

/** Feeds the items to a store in calls of `sizes` (cycled), storing answers where the step says so. */
async function drive(store: FeatureStore, all: StoreItem[], steps: Step[], sizes: number[]): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (let i = 0, c = 0; i < all.length; c++) {
    const chunk = all.slice(i, i + sizes[c % sizes.length]!);
    const got = await store.recordAndLoad(chunk);
    outcomes.push(...got);
    const answered = chunk.flatMap((item, j) => (got[j]!.kind === "recorded" && steps[i + j]!.answered ? [{ item, response: { transaction_id: item.input.tx.transaction_id, n: i + j } }] : []));
    await store.saveResponses(answered);
    i += chunk.length;
  }
  return outcomes;
}

/** The state each of the items' entities was left in. */
async function entities(store: FeatureStore, all: StoreItem[]) {
  const out: Record<string, unknown> = {};
  for (const { input } of all) {
    const { tx } = input;
    const ids: [(typeof ENTITY_KINDS)[number], string | undefined][] = [
      ["card", tx.card.fingerprint],
      ["device", tx.device?.id],
      ["ip", tx.device?.ip],
      ["customer", tx.customer?.id],
    ];
    for (const [kind, id] of ids) if (id !== undefined) out[`${kind}|${id}`] ??= await store.entity(kind, id);
  }
  return out;
}

describe("memory feature store ≡ the Lua script on redis-server", () => {
  it("answers every call alike and leaves the same state, for generated histories", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }), async (steps, sizes) => {
        const all = items(steps);
        const [r, m] = [redis(), new MemoryFeatureStore()];
        expect(await drive(m, all, steps, sizes)).toEqual(await drive(r, all, steps, sizes));
        expect(await entities(m, all)).toEqual(await entities(r, all));
      }),
      { numRuns: 25 },
    );
  });

  it("answers alike on hot entities too, where both caps bind and events arrive out of order", async () => {
    const hot = fc.record({ card: fc.constant(0), device: fc.constant(null), ip: fc.constant(null), customer: fc.constant(null), minute: fc.integer({ min: 0, max: 600 }), amount: fc.integer({ min: 1, max: 9_000 }), repeat: fc.constant("no" as const), answered: fc.constant(false) });
    await fc.assert(
      fc.asyncProperty(fc.array(hot, { minLength: 100, maxLength: 180 }), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 180, maxLength: 180 }), async (steps, merchants) => {
        const all = items(steps, (i) => `m_${merchants[i]! < 3 ? 0 : merchants[i]}`);
        const [r, m] = [redis(), new MemoryFeatureStore()];
        expect(await drive(m, all, steps, [1, 17, 5])).toEqual(await drive(r, all, steps, [1, 17, 5]));
        expect(await entities(m, all)).toEqual(await entities(r, all));
      }),
      { numRuns: 15 },
    );
  });

  it("caps each merchant's share and the whole history of a hot card, and drops what the window left behind, as Redis does", async () => {
    // One merchant sends every other event (its cap binds), six share the rest (the total cap binds, and drops the
    // first merchant's events too: its index then names events the card no longer holds); the window drops the
    // first ten.
    const steps: Step[] = Array.from({ length: 2 * MAX_EVENTS + 20 }, (_, i) => ({
      card: 0,
      device: null,
      ip: null,
      customer: null,
      // Out of order, and the first ten more than the retention before the rest.
      minute: i < 10 ? i : RETENTION_MS / 60_000 + 60 + ((i * 37) % 500),
      amount: 100 + i,
      repeat: "no",
      answered: false,
    }));
    const all = items(steps, (i) => (i % 2 === 0 ? "m_0" : `m_${1 + ((i >> 1) % 6)}`));
    const memory = new MemoryFeatureStore();
    const r = redis();
    // 7, 1, 40 … and then the rest in one request of more than ITEMS_PER_CALL: several script calls in one pipeline.
    expect(await drive(memory, all, steps, [7, 1, 40, 172])).toEqual(await drive(r, all, steps, [7, 1, 40, 172]));
    const card = all[0]!.input.tx.card.fingerprint;
    const [m, s] = [await memory.entity("card", card), await r.entity("card", card)];
    expect(m).toEqual(s);
    expect(m!.events).toHaveLength(MAX_EVENTS);
    const perMerchant = new Map<string, number>();
    for (const e of m!.events) perMerchant.set(e.merchant, (perMerchant.get(e.merchant) ?? 0) + 1);
    expect(Math.max(...perMerchant.values())).toBeLessThanOrEqual(MAX_EVENTS_PER_MERCHANT);
  });

  it("one merchant sending far more than its share keeps only its newest ones, the others' stay", async () => {
    const steps: Step[] = Array.from({ length: 90 }, (_, i) => ({ card: 0, device: null, ip: null, customer: null, minute: i, amount: 100 + i, repeat: "no", answered: false }));
    // Merchant m_0 sends every step but the first five, which m_1..m_4 send.
    const all = items(steps, () => "m_0").map((item, i) => (i < 5 ? storeItem({ ...item.input, tx: { ...item.input.tx, merchant: { id: `m_${i % 4 + 1}` } } }, item.idempotencyKey) : item));
    const [memory, r] = [new MemoryFeatureStore(), redis()];
    expect(await drive(memory, all, steps, [1, 30])).toEqual(await drive(r, all, steps, [1, 30]));
    const card = all[0]!.input.tx.card.fingerprint;
    const state = (await r.entity("card", card))!;
    expect(await memory.entity("card", card)).toEqual(state);
    expect(state.events.filter((e) => e.merchant === "m_0").map((e) => e.id)).toEqual(all.slice(-MAX_EVENTS_PER_MERCHANT).map((i) => i.input.tx.transaction_id));
    expect(state.events.filter((e) => e.merchant !== "m_0")).toHaveLength(5);
  });
});
