import { beforeAll, describe, expect, it } from "vitest";
import { newKey } from "../auth/helpers";
import { OTHER_SECRET_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson, transaction } from "../helpers";
import { scored } from "./helpers";

/**
 * A merchant of this file's own (a fresh key in the local Redis key store): other files' scores fill m_test's
 * queue with thousands of reviews. Redis project only: the memory project's keys are seeded at start.
 */
let key: Record<string, string>;
let merchant: string;
beforeAll(async () => {
  const made = await newKey({ kind: "secret", rateLimit: { requests: 100_000, window_s: 60 } });
  key = bearer(made.key);
  merchant = made.record.merchant_id;
});

interface Page {
  reviews: { transaction_id: string; decision: string; score: number; reasons: string[]; entities: { card: string } }[];
  next?: string;
}

/** Review decisions of a card of this test's own: a test card with the test-mode key decides `review`. */
const toReview = () => scored({ merchant: { id: merchant }, card: { fingerprint: "card_fp_test_review" } }, key);

/** Every open review, page by page (`limit` a page). */
async function queue(headers: Record<string, string> = key, limit = 200): Promise<Page["reviews"]> {
  const all: Page["reviews"] = [];
  let cursor: string | undefined;
  do {
    const page = await (await getWithKey(`/v1/reviews?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, headers)).json<Page>();
    all.push(...page.reviews);
    cursor = page.next;
  } while (cursor);
  return all;
}

async function waitQueued(id: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await queue()).some((r) => r.transaction_id === id)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${id} never reached the review queue`);
}

describe("the review queue", () => {
  it("a review decision joins the queue; resolving it labels it manual_review and takes it out; again: the same answer", async () => {
    const t = await toReview();
    expect(t.decision).toBe("review");
    await waitQueued(t.transaction_id);
    const entry = (await queue()).find((r) => r.transaction_id === t.transaction_id)!;
    expect(entry).toMatchObject({ decision: "review", score: t.score, entities: { card: "card_fp_test_review" } });
    const res = await postJson(`/v1/reviews/${t.transaction_id}`, { outcome: "fraud", note: "confirmed by phone" }, key);
    expect(res.status).toBe(200);
    const out = await res.json<Record<string, unknown>>();
    expect(out).toMatchObject({ transaction_id: t.transaction_id, review: { outcome: "fraud", note: "confirmed by phone" }, label: { status: "applied", label: { label: "fraud", source: "manual_review" } }, resolved_before: false });
    expect((await queue()).some((r) => r.transaction_id === t.transaction_id)).toBe(false);
    const again = await (await postJson(`/v1/reviews/${t.transaction_id}`, { outcome: "legitimate" }, key)).json<Record<string, unknown>>();
    expect(again).toMatchObject({ review: { outcome: "fraud" }, resolved_before: true });
  });

  it("an approved transaction is not in the queue: 404; another merchant's queue is its own", async () => {
    const approved = await scored({ merchant: { id: merchant }, card: { fingerprint: "card_fp_test_approve" } }, key);
    expect((await postJson(`/v1/reviews/${approved.transaction_id}`, { outcome: "fraud" }, key)).status).toBe(404);
    const t = await toReview();
    await waitQueued(t.transaction_id);
    expect((await queue(bearer(OTHER_SECRET_KEY))).some((r) => r.transaction_id === t.transaction_id)).toBe(false);
    expect((await postJson(`/v1/reviews/${t.transaction_id}`, { outcome: "legitimate" }, bearer(OTHER_SECRET_KEY))).status).toBe(404);
  });

  it("a batch's reviews share one time: paging through them skips none and repeats none", async () => {
    const items = Array.from({ length: 60 }, () => transaction({ merchant: { id: merchant }, card: { fingerprint: "card_fp_test_review" } }));
    const res = await postJson("/v1/score/batch", { transactions: items }, key);
    expect(res.status).toBe(200);
    const ids = items.map((t) => String(t.transaction_id));
    await waitQueued(ids.at(-1)!);
    const seen = (await queue(key, 7)).map((r) => r.transaction_id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });

  it("pages through the queue without repeats", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await toReview()).transaction_id);
    await waitQueued(ids.at(-1)!);
    const seen = (await queue(key, 2)).map((r) => r.transaction_id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });
});
