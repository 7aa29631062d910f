import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../../scripts/local/stack";
import { backfillFile } from "../../../scripts/seed-history";
import { RedisFeatureStore } from "../../../src/store/redis";

/** `npm run seed -- --file`: the operator's path for history older than live scoring accepts. */
let stack: LocalStack;
let store: RedisFeatureStore;

beforeAll(async () => {
  stack = await startLocalStack();
  store = new RedisFeatureStore({ url: stack.env.UPSTASH_REDIS_REST_URL, token: stack.env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 5000 });
});
afterAll(() => stack?.stop());

describe("backfill from a file", () => {
  it("records valid history at its own time, reports the rest by line and field (never the value), counts nothing twice", async () => {
    const threeDaysAgo = new Date(Date.now() - 3 * 86400_000).toISOString();
    const tx = (over: Record<string, unknown>) =>
      JSON.stringify({ transaction_id: `bf_${crypto.randomUUID()}`, amount: 1200, currency: "EUR", merchant: { id: "m_backfill" }, card: { fingerprint: "fp_backfill" }, created_at: threeDaysAgo, ...over });
    const lines = [
      tx({}),
      tx({ customer: { id: "4242 4242 4242 4242" } }),
      tx({ card: undefined }),
      tx({ created_at: new Date(Date.now() + 3600_000).toISOString() }),
      "{not json",
      tx({ created_at: undefined }),
      "",
    ];
    const path = join(mkdtempSync(join(tmpdir(), "backfill-")), "history.jsonl");
    writeFileSync(path, lines.join("\n"));

    const first = await backfillFile(store, path, 2);
    expect(first.recorded).toBe(1);
    expect(first.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(first.rejected[0]!.problem).toBe("card number at customer.id");
    expect(JSON.stringify(first.rejected)).not.toContain("4242");
    expect(first.rejected[1]!.problem).toContain("card");
    const state = (await store.entity("card", "fp_backfill"))!;
    expect(state.firstSeen).toBe(Date.parse(threeDaysAgo));

    const again = await backfillFile(store, path, 2);
    expect(again).toMatchObject({ recorded: 0, skipped: 1 });
    expect((await store.entity("card", "fp_backfill"))!.events).toHaveLength(1);
  });
});
