import { describe, expect, inject, it } from "vitest";
import { toStoreItem } from "../../../src/pipeline/item";
import { TransactionSchema } from "../../../src/schemas/transaction";
import { RedisFeatureStore } from "../../../src/store/redis";
import { getWithKey, transaction } from "../helpers";
import { unique } from "./helpers";

/**
 * History older than live scoring can write comes in through the operator's backfill (the feature store with
 * Redis credentials, as `npm run seed` does it); the entity view then shows it by window.
 */
describe("GET /v1/entities/{type}/{id} over backfilled history", () => {
  it("windows count the merchant's transactions of the last hour, day and week", async () => {
    const fingerprint = unique("fp_windows");
    const now = Date.now();
    const store = new RedisFeatureStore({ url: inject("redisRestUrl"), token: inject("redisRestToken"), timeoutMs: 5000 });
    const history = [3 * 86400_000, 2 * 3600_000, 60_000].map((ago, i) =>
      toStoreItem(TransactionSchema.parse(transaction({ card: { fingerprint }, device: { id: `d${i}` } })), {}, now - ago, { kind: "secret" }),
    );
    await store.recordAndLoad(await Promise.all(history));
    const body = await (await getWithKey(`/v1/entities/card/${fingerprint}`)).json<{
      first_seen: string;
      windows: Record<"1h" | "24h" | "7d", { count: number; devices: number; amount_usd_cents: number }>;
    }>();
    expect([body.windows["1h"].count, body.windows["24h"].count, body.windows["7d"].count]).toEqual([1, 2, 3]);
    expect(body.windows["7d"]).toMatchObject({ devices: 3, amount_usd_cents: 3 * 4999 });
    expect(body.first_seen).toBe(new Date(now - 3 * 86400_000).toISOString());
  });
});
