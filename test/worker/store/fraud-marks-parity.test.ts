import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { DAY_MS, MARKED_KINDS, type FraudMark } from "../../../src/features";
import { LABEL_SOURCES, type TransactionRecord } from "../../../src/schemas/feedback";
import { MemoryFeatureStore } from "../../../src/store/memory";
import { RedisFeatureStore } from "../../../src/store/redis";
import { MemoryTransactionStore } from "../../../src/store/transactions/memory";
import { RedisTransactionStore } from "../../../src/store/transactions/redis";

/**
 * The network memory's write on a real redis-server (MARK_SCRIPT, after each label call) against the memory stores
 * (applyMark): the same records and labels, in the same order, must leave the same marks on every entity —
 * through precedence (a mark follows the label that stands), unmarking, the window, and the per-merchant and total
 * caps (merchants labelling many transactions on one entity).
 */
const conn = () => ({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 });

interface Step {
  merchant: number;
  tx: number;
  card: number;
  device: number | null;
  customer: number | null;
  /** Days before now the transaction happened: some beyond the 90-day window. */
  daysAgo: number;
  label: "fraud" | "legitimate";
  source: (typeof LABEL_SOURCES)[number];
  learntHour: number;
  /** Who sent the record: the server's replaces a checkout page's, and only the server's marks. */
  sentBy: "publishable" | "secret";
}

const step: fc.Arbitrary<Step> = fc.record({
  merchant: fc.integer({ min: 0, max: 9 }),
  tx: fc.integer({ min: 0, max: 11 }),
  card: fc.integer({ min: 0, max: 1 }),
  device: fc.option(fc.integer({ min: 0, max: 1 })),
  customer: fc.option(fc.integer({ min: 0, max: 1 })),
  daysAgo: fc.integer({ min: 0, max: 100 }),
  label: fc.constantFrom("fraud", "legitimate"),
  source: fc.constantFrom(...LABEL_SOURCES),
  learntHour: fc.integer({ min: 0, max: 5 }),
  sentBy: fc.constantFrom("publishable", "secret"),
});

let run = 0;

describe("network memory: the Redis mark script and the memory stores agree", () => {
  it("leaves the same marks on every entity after the same records and labels", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 70 }), async (steps) => {
        const prefix = `fmp${Date.now().toString(36)}${++run}`;
        const redisStore = new RedisFeatureStore(conn());
        const redisTx = new RedisTransactionStore({ ...conn(), decisionLog: false });
        const memoryStore = new MemoryFeatureStore();
        const memoryTx = new MemoryTransactionStore(memoryStore);
        const now = Date.now();
        for (const s of steps) {
          const merchant = `${prefix}_m${s.merchant}`;
          const record: TransactionRecord = {
            transaction_id: `t${s.tx}`,
            merchant,
            t: now - s.daysAgo * DAY_MS - s.tx * 1000,
            score: 0.5,
            decision: "approve",
            model: { version: "test" },
            source: s.sentBy,
            amount: 100,
            currency: "USD",
            entities: {
              card: `${prefix}_card${s.card}`,
              ...(s.device !== null && { device: `${prefix}_dev${s.device}` }),
              ...(s.customer !== null && { customer: `${prefix}_cus${s.customer}` }),
            },
            reasons: [],
          };
          // The first record of an id stands in both, so a repeated id keeps its first entities.
          await redisTx.remember(merchant, [record]);
          await memoryTx.remember(merchant, [record]);
          const write = { transaction_id: record.transaction_id, label: s.label, source: s.source, learnt_at: new Date(Date.UTC(2026, 11, 1, s.learntHour)).toISOString(), received_at: new Date().toISOString() };
          const [r, m] = [await redisTx.label(merchant, [write]), await memoryTx.label(merchant, [write])];
          expect(r).toEqual(m);
        }
        for (const kind of MARKED_KINDS) {
          for (const i of [0, 1]) {
            const id = `${prefix}_${kind === "card" ? "card" : kind === "device" ? "dev" : "cus"}${i}`;
            const sorted = (marks: readonly FraudMark[] | undefined) => [...(marks ?? [])].sort((a, b) => a.t - b.t || (a.merchant + a.id < b.merchant + b.id ? -1 : 1));
            const [r, m] = [await redisStore.entity(kind, id), await memoryStore.entity(kind, id)];
            expect(sorted(r?.confirmed)).toEqual(sorted(m?.confirmed));
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
