import { describe, expect, it } from "vitest";
import { appWith } from "../alerts/kafka";
import { OTHER_SECRET_KEY, SCORE_ONLY_SECRET_KEY, TEST_ADMIN_TOKEN, TEST_MERCHANT, TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY } from "../auth/keys";
import { bearer, getWithKey, transaction } from "../helpers";
import { unique } from "../policy/helpers";
import { stream } from "./helpers";

describe("stream scoring: every merchant may be hostile", () => {
  it("a record is its API key's merchant's: naming another merchant, no key, a wrong or publishable key — dead-lettered, nothing recorded", async () => {
    const s = stream("spoof");
    const card = unique("card_fp_victim");
    const victim = { merchant: { id: TEST_MERCHANT }, card: { fingerprint: card } };
    await s.publish([
      { value: transaction(victim), authorization: bearer(OTHER_SECRET_KEY).authorization },
      { value: transaction(victim), authorization: null },
      { value: transaction(victim), authorization: "Bearer sk_test_not_a_key_of_this_service_000" },
      { value: transaction(victim), authorization: bearer(TEST_PUBLISHABLE_KEY).authorization },
      { value: transaction({ merchant: { id: "m_other" }, card: { fingerprint: card } }), authorization: bearer(OTHER_SECRET_KEY).authorization },
    ]);
    const report = await s.pass();
    expect(report).toMatchObject({ records: 5, scored: 1, dead: 4 });
    const dead = await s.deadLetters();
    expect(dead.map((d) => d.value.problem.code)).toEqual(["forbidden", "unauthorized", "unauthorized", "forbidden"]);
    expect(dead[0]!.value.problem.errors).toEqual([expect.objectContaining({ path: "merchant.id", code: "forbidden" })]);
    for (const d of dead) expect(`${d.raw} ${JSON.stringify(d.headers)}`).not.toMatch(/sk_test_|pk_test_/);
    // The one record scored is m_other's own (its key's merchant): the card has its one event, m_test none.
    const [only] = await s.results();
    expect(only!.value.merchant_id).toBe("m_other");
    const theirs = await (await getWithKey(`/v1/entities/card/${card}`, bearer(OTHER_SECRET_KEY))).json<{ events: unknown[] }>();
    expect(theirs.events).toHaveLength(1);
    expect((await getWithKey(`/v1/entities/card/${card}`, bearer(TEST_SECRET_KEY))).status).toBe(404);
  });

  it("the stream's routes take the operator's token only; without STREAM_TOPIC they say the stream is off", async () => {
    const s = stream("routes");
    for (const auth of [bearer(TEST_SECRET_KEY), {}]) {
      const res = await s.app("/v1/admin/stream/pass", { method: "POST", headers: auth });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
    const off = await appWith({})("/v1/admin/stream", { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(off.status).toBe(404);
    expect((await off.json<{ code: string }>()).code).toBe("not_found");
  });

  it("a key without the stream's scope is refused, and a key put anywhere else in a record is masked in the dead letter", async () => {
    const s = stream("scopes");
    await s.publish([
      { value: transaction(), authorization: bearer(SCORE_ONLY_SECRET_KEY).authorization },
      { value: { note: `key ${TEST_SECRET_KEY}`, amount: -1 } },
    ]);
    expect(await s.pass()).toMatchObject({ records: 2, dead: 2 });
    const dead = await s.deadLetters();
    expect(dead.map((d) => d.value.problem.code)).toEqual(["forbidden", "validation_failed"]);
    expect(dead[1]!.value).toMatchObject({ value_masked: true });
    for (const d of dead) expect(`${d.raw} ${JSON.stringify(d.headers)}`).not.toMatch(/sk_test_/);
  });
});
