import { describe, expect, it } from "vitest";
import { OTHER_MERCHANT, OTHER_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson, transaction, type ProblemBody } from "../helpers";

interface Scored {
  transaction_id: string;
  score: number;
  replayed?: boolean;
}

/** The first answer is stored after the response (waitUntil); until then a repeat is `in progress`. */
async function repeatUntilStored(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  for (let i = 0; i < 50; i++) {
    const res = await postJson("/v1/score", body, headers);
    if (res.status !== 409) return res;
    expect((await res.json<ProblemBody>()).code).toBe("idempotency_in_progress");
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("answer never stored");
}

async function cardEvents(fingerprint: string): Promise<number> {
  const res = await getWithKey(`/v1/entities/card/${fingerprint}`);
  return (await res.json<{ events: unknown[] }>()).events.length;
}

describe("POST /v1/score — idempotency", () => {
  it("the same transaction id returns the stored decision and counts once", async () => {
    const tx = transaction();
    const first = await postJson("/v1/score", tx);
    const a = await first.json<Scored>();
    const again = await repeatUntilStored(tx);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const b = await again.json<Scored>();
    expect(b.score).toBe(a.score);
    expect(b.replayed).toBe(true);
    expect(await cardEvents((tx.card as { fingerprint: string }).fingerprint)).toBe(1);
  });

  it("an Idempotency-Key header scopes the replay instead of the transaction id", async () => {
    const key = `idem_${crypto.randomUUID()}`;
    const tx = transaction();
    await postJson("/v1/score", tx, { "idempotency-key": key });
    const reused = await repeatUntilStored({ ...tx, transaction_id: "txn_other" }, { "idempotency-key": key });
    expect(reused.status).toBe(422);
    expect((await reused.json<ProblemBody>()).code).toBe("idempotency_key_reused");
  });

  it("another merchant with the same transaction id is not a replay", async () => {
    const tx = transaction();
    await postJson("/v1/score", tx);
    const other = await postJson("/v1/score", { ...tx, merchant: { id: OTHER_MERCHANT } }, bearer(OTHER_SECRET_KEY));
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("POST /v1/score — idempotency scopes", () => {
  const fromPage = { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN };

  it("an answer produced for a checkout page is never replayed to the merchant's server", async () => {
    // The page's body is the shopper's to forge: here a tiny amount for the real order id.
    const order = transaction();
    const forged = { ...order, amount: 1 };
    expect((await postJson("/v1/score", forged, fromPage)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const server = await postJson("/v1/score", order);
    expect(server.status).toBe(200);
    expect(server.headers.get("idempotent-replayed")).toBeNull();
  });

  it("an Idempotency-Key never collides with a transaction id", async () => {
    const first = transaction();
    await postJson("/v1/score", first);
    await new Promise((r) => setTimeout(r, 100));
    // A different transaction whose Idempotency-Key happens to equal the first one's transaction id.
    const other = await postJson("/v1/score", transaction(), { "idempotency-key": first.transaction_id as string });
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });
});
