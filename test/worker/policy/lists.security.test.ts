import { describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY, SCORE_ONLY_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, postJson, transaction } from "../helpers";
import { addEntry, call, score, unique } from "./helpers";

describe("policy belongs to its merchant, and only secret keys with the policy scope touch it", () => {
  it("a publishable key can neither read nor change policy", async () => {
    const headers = { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN };
    expect((await postJson("/v1/lists/entries", { kind: "device_id", value: "d", action: "allow" }, headers)).status).toBe(403);
    expect((await call("GET", "/v1/lists/entries", TEST_PUBLISHABLE_KEY)).status).toBe(403);
    expect((await call("GET", "/v1/policy", TEST_PUBLISHABLE_KEY)).status).toBe(403);
  });

  it("a secret key without the policy scope is refused", async () => {
    expect((await call("GET", "/v1/policy", SCORE_ONLY_SECRET_KEY)).status).toBe(403);
    expect((await call("PUT", "/v1/policy/thresholds", SCORE_ONLY_SECRET_KEY, { review: 0, decline: 0 })).status).toBe(403);
    expect((await call("GET", "/v1/policy/audit")).status).toBe(200);
  });

  it("an unknown key: 401", async () => {
    expect((await call("GET", "/v1/policy", "sk_test_unknown_key_000000000000")).status).toBe(401);
  });

  it("one merchant's entries never decide, list or delete for another", async () => {
    const card = unique("card_fp");
    const mine = await addEntry({ kind: "card_fingerprint", value: card, action: "block" });
    // The other merchant scoring the same card: its own policy, which does not list it.
    const theirs = await score(transaction({ merchant: { id: "m_other" }, card: { fingerprint: card } }), OTHER_SECRET_KEY);
    expect(theirs.decision_source).toBe("model");
    expect(theirs.policy?.hits).toEqual([]);
    expect((await call("GET", `/v1/lists/entries/${mine.body.entry.id}`, OTHER_SECRET_KEY)).status).toBe(404);
    expect((await call("DELETE", `/v1/lists/entries/${mine.body.entry.id}`, OTHER_SECRET_KEY)).status).toBe(404);
    const listed = await (await call("GET", "/v1/lists/entries?kind=card_fingerprint&limit=500", OTHER_SECRET_KEY)).json<{ entries: { value: string }[] }>();
    expect(listed.entries.map((e) => e.value)).not.toContain(card);
    // Still in force for its owner.
    expect((await score(transaction({ card: { fingerprint: card } }))).decision_source).toBe("list");
  });

  it("an allow entry of one merchant does not let a card through another's block", async () => {
    const card = unique("card_fp");
    await addEntry({ kind: "card_fingerprint", value: card, action: "allow" }, OTHER_SECRET_KEY);
    await addEntry({ kind: "card_fingerprint", value: card, action: "block" });
    expect(await score(transaction({ card: { fingerprint: card } }))).toMatchObject({ decision: "decline", decision_source: "list" });
  });
});
