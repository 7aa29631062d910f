import { describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, SCORE_ONLY_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson } from "../helpers";
import { feedback, label, scored } from "./helpers";

describe("feedback and reviews: security", () => {
  it("another merchant's transaction is a 404 exactly like one never scored, and its label is untouched", async () => {
    const mine = await scored({ merchant: { id: "m_other" } }, bearer(OTHER_SECRET_KEY));
    await feedback([label(mine.transaction_id, "legitimate", "manual_review", "2026-12-01T00:00:00Z")], bearer(OTHER_SECRET_KEY));
    const attack = await feedback([label(mine.transaction_id, "fraud", "chargeback")]);
    const never = await feedback([label("txn_nobody_scored_this", "fraud", "chargeback")]);
    expect(attack.body.results[0]).toEqual({ ...never.body.results[0], transaction_id: mine.transaction_id });
    const owner = await feedback([label(mine.transaction_id, "legitimate", "manual_review", "2026-12-01T00:00:00Z")], bearer(OTHER_SECRET_KEY));
    expect(owner.body.results[0]).toMatchObject({ status: "duplicate", label: { label: "legitimate", source: "manual_review" } });
  });

  it("takes a secret key with the feedback scope: not a checkout page's key, not a score-only key", async () => {
    const body = { labels: [label("txn_x", "fraud", "chargeback")] };
    expect((await postJson("/v1/feedback", body, { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN })).status).toBe(403);
    expect((await postJson("/v1/feedback", body, bearer(SCORE_ONLY_SECRET_KEY))).status).toBe(403);
    expect((await postJson("/v1/feedback", body, { authorization: "" })).status).toBe(401);
    expect((await getWithKey("/v1/reviews", bearer(SCORE_ONLY_SECRET_KEY))).status).toBe(403);
  });
});
