import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { ENTITY_KINDS, MAX_EVENTS, RETENTION_MS } from "../../../src/features";
import type { Transaction } from "../../../src/schemas/transaction";
import type { FeatureStore, RecordOutcome, StoreItem } from "../../../src/store/interface";
import { MemoryFeatureStore } from "../../../src/store/memory";
import { RedisFeatureStore } from "../../../src/store/redis";

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
  /** Reuse an earlier step's transaction id (and so its idempotency key, or its event under another key). */
  repeat: "no" | "same_key" | "other_key";
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
  repeat: fc.constantFrom("no", "no", "no", "same_key", "other_key"),
  answered: fc.boolean(),
});

let runs = 0;

function items(steps: Step[]): StoreItem[] {
  const run = `${Date.now().toString(36)}_${runs++}`;
  // IPs are ids like any other: this run's own, so no earlier run's history is in their state.
  const net = Array.from(crypto.getRandomValues(new Uint16Array(2)), (g) => g.toString(16)).join(":");
  const made: StoreItem[] = [];
  steps.forEach((s, i) => {
    const earlier = made.length > 0 && s.repeat !== "no" ? made[i % made.length] : undefined;
    if (earlier) {
      made.push(s.repeat === "same_key" ? earlier : { input: earlier.input, idempotencyKey: `${earlier.idempotencyKey}:other` });
      return;
    }
    const tx: Transaction = {
      transaction_id: `${run}_tx_${i}`,
      amount: s.amount,
      currency: "USD",
      merchant: { id: `m_${i % 3}` },
      card: { fingerprint: `${run}_card_${s.card}` },
      ...(s.customer !== null && { customer: { id: `${run}_cus_${s.customer}` } }),
      ...((s.device !== null || s.ip !== null) && {
        device: { ...(s.device !== null && { id: `${run}_dev_${s.device}` }), ...(s.ip !== null && { ip: `2001:db8:${net}::${s.ip}` }) },
      }),
    };
    made.push({ input: { tx, edge: { country: "US" }, t: T0 + s.minute * 60_000 }, idempotencyKey: `parity:${run}:${tx.transaction_id}` });
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
    const answered = chunk.flatMap((item, j) =>
      got[j]!.kind === "recorded" && steps[i + j]!.answered ? [{ idempotencyKey: item.idempotencyKey, response: { transaction_id: item.input.tx.transaction_id, n: i + j } }] : [],
    );
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

  it("keeps the newest MAX_EVENTS of a hot card and drops what the window left behind, as Redis does", async () => {
    const steps: Step[] = Array.from({ length: MAX_EVENTS + 30 }, (_, i) => ({
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
    const all = items(steps);
    const memory = new MemoryFeatureStore();
    const r = redis();
    expect(await drive(memory, all, steps, [7, 1, 40])).toEqual(await drive(r, all, steps, [7, 1, 40]));
    const card = all[0]!.input.tx.card.fingerprint;
    const [m, s] = [await memory.entity("card", card), await r.entity("card", card)];
    expect(m).toEqual(s);
    expect(m!.events).toHaveLength(MAX_EVENTS);
  });
});
