import { describe, expect, it } from "vitest";
import { TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson, transaction, type ProblemBody } from "../helpers";

const PAN = "4111 1111 1111 1111";

describe("POST /v1/score — security", () => {
  it("rejects a card number in any field, names the field, never echoes it", async () => {
    for (const [field, body] of [
      ["card.fingerprint", transaction({ card: { fingerprint: PAN } })],
      ["customer.id", transaction({ customer: { id: "4111111111111111" } })],
      ["merchant.note", transaction({ merchant: { id: "m_test", note: `card ${PAN.replaceAll(" ", "-")}` } })],
      ["card.number", transaction({ card: { fingerprint: "fp", number: 4111111111111111 } })],
    ] as const) {
      const res = await postJson("/v1/score", body);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toContain("4111");
      const p = JSON.parse(text) as ProblemBody;
      expect(p.code).toBe("pan_detected");
      expect(p.errors!.map((e) => e.path)).toEqual([field]);
    }
  });

  it("does not mistake a non-Luhn digit string for a card number", async () => {
    const res = await postJson("/v1/score", transaction({ customer: { id: "4111111111111112" } }));
    expect(res.status).toBe(200);
  });

  it("sets security headers on every response", async () => {
    for (const res of [await postJson("/v1/score", transaction()), await postJson("/v1/score", "{")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("strict-transport-security")).toBeTruthy();
    }
  });

  it("never answers 5xx to arbitrary client input", async () => {
    const bodies = [
      '{"amount": 1e400}',
      '{"transaction_id": {"$gt": ""}}',
      JSON.stringify(transaction({ merchant: { id: "m", timezone: "Mars/Olympus" } })),
      JSON.stringify(transaction({ amount: Number.MAX_SAFE_INTEGER })),
      JSON.stringify(transaction({ created_at: "2026-13-40T99:99:99Z" })),
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
      "\u0000",
      "[".repeat(10_000),
    ];
    for (const body of bodies) {
      const res = await postJson("/v1/score", body);
      expect(res.status, body.slice(0, 60)).toBeLessThan(500);
      expect(res.status, body.slice(0, 60)).toBeGreaterThanOrEqual(400);
    }
  });
});

describe("POST /v1/score — hostile bodies", () => {
  it("deeply nested (balanced) JSON is a 400, not a stack overflow", async () => {
    for (const body of ["[".repeat(5000) + "]".repeat(5000), '{"a":'.repeat(3000) + "1" + "}".repeat(3000)]) {
      const res = await postJson("/v1/score", body);
      expect(res.status).toBe(400);
      const p = await res.json<ProblemBody>();
      expect(p.code).toBe("validation_failed");
      expect(p.errors![0]!.code).toBe("too_deep");
    }
  });

  it("malformed JSON holding a card number is refused without quoting it", async () => {
    const res = await postJson("/v1/score", "[4111111111111111,u]");
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain("4111");
    expect((JSON.parse(text) as ProblemBody).code).toBe("malformed_json");
  });

  it("a card number as a batch item's transaction_id is not echoed in that item's error", async () => {
    const res = await postJson("/v1/score/batch", { transactions: [{ ...transaction(), transaction_id: "4111111111111111" }] });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("4111");
    expect(text).toContain("pan_detected");
  });
});

describe("POST /v1/score — event time", () => {
  it("a server cannot date a transaction: created_at far from now is refused, close to now it is only a claim", async () => {
    const fingerprint = `fp_future_${crypto.randomUUID()}`;
    const now = Date.now();
    for (const far of [now - 3600_000, now + 30 * 86400_000]) {
      const res = await postJson("/v1/score", transaction({ card: { fingerprint }, created_at: new Date(far).toISOString() }));
      expect(res.status).toBe(400);
      expect((await res.json<ProblemBody>()).errors).toEqual([expect.objectContaining({ path: "created_at", code: "out_of_range" })]);
    }
    const soon = await postJson("/v1/score", transaction({ card: { fingerprint }, created_at: new Date(now + 4 * 60_000).toISOString() }));
    expect(soon.status).toBe(200);
    const entity = await (await getWithKey(`/v1/entities/card/${fingerprint}`)).json<{ events: { at: string }[] }>();
    expect(entity.events).toHaveLength(1);
    expect(Date.parse(entity.events[0]!.at)).toBeLessThanOrEqual(Date.now());
  });

  it("a checkout page cannot back-date: its transactions happen when received", async () => {
    const fingerprint = `fp_page_${crypto.randomUUID()}`;
    const before = Date.now();
    const res = await postJson(
      "/v1/score",
      transaction({ card: { fingerprint }, created_at: "2020-01-01T00:00:00Z" }),
      { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN },
    );
    expect(res.status).toBe(200);
    const entity = await (await getWithKey(`/v1/entities/card/${fingerprint}`)).json<{ first_seen: string }>();
    expect(Date.parse(entity.first_seen)).toBeGreaterThanOrEqual(before - 1000);
  });
});
