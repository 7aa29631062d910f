import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import { BASE, getWithKey, postJson, transaction, type ProblemBody } from "../helpers";

/**
 * Finding 6 of issue 10: card numbers written with other separators, in other digits, as object keys or in the
 * Idempotency-Key header got through and were stored. Every spelling below is 4242 4242 4242 4242 (Luhn-valid).
 */
const SPELLINGS: [string, string][] = [
  ["dots", "4242.4242.4242.4242"],
  ["double spaces", "4242  4242  4242  4242"],
  ["underscores", "4242_4242_4242_4242"],
  ["slashes", "4242/4242/4242/4242"],
  ["tabs", "4242\t4242\t4242\t4242"],
  ["full-width digits", "４２４２４２４２４２４２４２４２"],
  ["full-width with ideographic spaces", "４２４２　４２４２　４２４２　４２４２"],
  ["mixed", "4242-4242 4242.4242"],
];

const noDigitsOfTheCard = (text: string) => {
  expect(text).not.toContain("4242");
  expect(text).not.toContain("４２４２");
};

describe("6. a card number is caught however it is written, wherever it is, and never echoed or stored", () => {
  it.each(SPELLINGS)("in a value (%s)", async (_name, pan) => {
    const res = await postJson("/v1/score", transaction({ card: { fingerprint: pan } }));
    expect(res.status).toBe(400);
    const text = await res.text();
    noDigitsOfTheCard(text);
    const p = JSON.parse(text) as ProblemBody;
    expect(p.code).toBe("pan_detected");
    expect(p.errors!.map((e) => e.path)).toEqual(["card.fingerprint"]);
  });

  it("as an object key: refused, and the path does not repeat the key", async () => {
    const res = await postJson("/v1/score", { ...transaction(), customer: { "4242 4242 4242 4242": "x" } });
    expect(res.status).toBe(400);
    const text = await res.text();
    noDigitsOfTheCard(text);
    const p = JSON.parse(text) as ProblemBody;
    expect(p.code).toBe("pan_detected");
    expect(p.errors!.map((e) => e.path)).toEqual(["customer.(redacted)"]);
  });

  it("in the Idempotency-Key header (which would be stored as a key)", async () => {
    const res = await postJson("/v1/score", transaction(), { "idempotency-key": "4111111111111111" });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain("4111");
    const p = JSON.parse(text) as ProblemBody;
    expect(p.code).toBe("pan_detected");
    expect(p.errors!.map((e) => e.path)).toEqual(["header.idempotency-key"]);
  });

  it("in a batch item: that item's error, the others scored", async () => {
    const res = await postJson("/v1/score/batch", { transactions: [transaction({ customer: { id: "4242.4242.4242.4242" } }), transaction()] });
    expect(res.status).toBe(200);
    const text = await res.text();
    noDigitsOfTheCard(text);
    const { results } = JSON.parse(text) as { results: { error?: ProblemBody; score?: number }[] };
    expect(results[0]!.error?.code).toBe("pan_detected");
    expect(typeof results[1]!.score).toBe("number");
  });

  it("digits that are not a card number still score (a 16-digit order id failing Luhn, a phone number)", async () => {
    for (const id of ["5105 1051 0510 5106", "+44 20 7946 0958"]) {
      expect((await postJson("/v1/score", transaction({ customer: { id } }))).status).toBe(200);
    }
  });

  it("as an entity id: refused before it becomes part of a store key", async () => {
    const res = await getWithKey("/v1/entities/card/4242424242424242");
    expect(res.status).toBe(400);
    const p = await res.json<ProblemBody>();
    expect(p.code).toBe("pan_detected");
    expect(p.errors!.map((e) => e.path)).toEqual(["path.id"]);
  });

  it("ids callers really send are not card numbers: a UUID idempotency key and transaction id, a hex device id, an IPv4", async () => {
    const id = "15bae399-2127-4247-8a8f-8766bb603b82";
    const res = await postJson("/v1/score", transaction({ transaction_id: id, device: { id: "dev_fbf202488ee9414db471804600875ec8", ip: "220.100.100.100" } }), { "idempotency-key": id });
    expect(res.status).toBe(200);
  });

  it("is never echoed by an error that quotes the request: an unknown path, an entity id, a content type, a method", async () => {
    const answers = [
      await getWithKey("/4242424242424242"),
      await getWithKey("/v1/entities/card/4242.4242.4242.4242"),
      await getWithKey("/v1/entities/ip/4242424242424242"),
      await postJson("/v1/score", "{}", { "content-type": "text/4242-4242-4242-4242" }),
      await SELF.fetch(`${BASE}/v1/score/4242424242424242`, { method: "DELETE" }),
      // Split by the characters a URL or a header uses anyway.
      await getWithKey("/x/4242/4242/4242/4242"),
      await getWithKey("/x/4111&1111&1111&1111"),
      await getWithKey("/v1/entities/card/4242=4242=4242=4242"),
      await getWithKey("/v1/entities/card/4242%2F4242%2F4242%2F4242"),
      await SELF.fetch(`${BASE}/v1/score/batch/4242/4242/4242/4242`, { method: "DELETE" }),
      await postJson("/v1/score", "{}", { "content-type": "text/plain; x=4242/4242/4242/4242" }),
    ];
    for (const res of answers) {
      expect(res.status, res.url).toBeGreaterThanOrEqual(400);
      expect(res.status, res.url).toBeLessThan(500);
      noDigitsOfTheCard(await res.text());
    }
  });
});
