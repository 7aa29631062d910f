import { describe, expect, it } from "vitest";
import { postJson, transaction, type ProblemBody } from "../helpers";

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
