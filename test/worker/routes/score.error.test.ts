import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, bearer, postJson, transaction, type ProblemBody } from "../helpers";
import { TEST_SECRET_KEY } from "../auth/keys";

async function problemOf(res: Response): Promise<ProblemBody> {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = await res.json<ProblemBody>();
  expect(body.status).toBe(res.status);
  expect(body.type).toMatch(/^urn:edge-fraud:problem:/);
  return body;
}

describe("POST /v1/score — errors", () => {
  it("400 malformed_json for a body that is not JSON", async () => {
    const res = await postJson("/v1/score", '{"transaction_id": "x", ');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe("malformed_json");
  });

  it("400 validation_failed listing every offending field", async () => {
    const res = await postJson("/v1/score", {
      transaction_id: "",
      amount: 19.99,
      currency: "usd",
      merchant: {},
      card: { fingerprint: "fp", country: "usa" },
      channel: "fax",
      created_at: "yesterday",
      device: { ip: "999.1.1.1" },
    });
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.code).toBe("validation_failed");
    const paths = p.errors!.map((e) => e.path).sort();
    expect(paths).toEqual(
      ["amount", "card.country", "channel", "created_at", "currency", "device.ip", "transaction_id"].sort(),
    );
  });

  it("a decimal amount gets a message saying minor units", async () => {
    const res = await postJson("/v1/score", transaction({ amount: 49.99 }));
    const p = await problemOf(res);
    expect(p.errors).toHaveLength(1);
    expect(p.errors![0]!.path).toBe("amount");
    expect(p.errors![0]!.message).toMatch(/minor units/);
  });

  it("missing required fields are each named", async () => {
    const res = await postJson("/v1/score", {});
    const p = await problemOf(res);
    // `merchant` may be left out: the API key names it.
    expect(p.errors!.map((e) => e.path).sort()).toEqual(["amount", "card", "currency", "transaction_id"]);
  });

  it("a non-object body is a validation error, not a crash", async () => {
    for (const body of ["[]", "null", "42", '"txn"']) {
      const res = await postJson("/v1/score", body);
      expect(res.status).toBe(400);
      expect((await problemOf(res)).code).toBe("validation_failed");
    }
  });

  it("415 for a body that is not application/json", async () => {
    const res = await SELF.fetch(`${BASE}/v1/score`, {
      method: "POST",
      headers: { "content-type": "text/plain", ...bearer(TEST_SECRET_KEY) },
      body: JSON.stringify(transaction()),
    });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).code).toBe("unsupported_media_type");
  });

  it("415 when Content-Type is missing", async () => {
    const res = await SELF.fetch(`${BASE}/v1/score`, { method: "POST", headers: bearer(TEST_SECRET_KEY), body: new TextEncoder().encode("{}") });
    expect(res.status).toBe(415);
  });

  it("413 for a body over the limit, declared or streamed", async () => {
    const big = JSON.stringify(transaction({ merchant: { id: "m", padding: "x".repeat(70_000) } }));
    const res = await postJson("/v1/score", big);
    expect(res.status).toBe(413);
    expect((await problemOf(res)).code).toBe("payload_too_large");

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await SELF.fetch(`${BASE}/v1/score`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(TEST_SECRET_KEY) },
      body: stream,
    });
    expect(chunked.status).toBe(413);
  });

  it("404 not_found for an unknown path", async () => {
    const res = await SELF.fetch(`${BASE}/v1/nope`);
    expect(res.status).toBe(404);
    expect((await problemOf(res)).code).toBe("not_found");
  });

  it("405 method_not_allowed with Allow for a wrong method", async () => {
    const res = await SELF.fetch(`${BASE}/v1/score`, { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("POST");
    expect((await problemOf(res)).code).toBe("method_not_allowed");
  });
});
