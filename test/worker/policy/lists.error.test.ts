import { describe, expect, it } from "vitest";
import { bearer, postJson } from "../helpers";
import { call } from "./helpers";

interface Problem {
  code: string;
  errors?: { path: string; code: string; message: string }[];
}

const add = async (body: unknown) => {
  const res = await postJson("/v1/lists/entries", body);
  return { status: res.status, body: await res.json<Problem>() };
};

describe("bad list entries get a 400 naming the field", () => {
  it.each([
    [{ kind: "card_bin", value: "42", action: "block" }, "value"],
    [{ kind: "ip", value: "10.0.0.0/4", action: "block" }, "value"],
    [{ kind: "ip", value: "300.1.1.1", action: "block" }, "value"],
    [{ kind: "email_domain", value: "not a domain", action: "block" }, "value"],
    [{ kind: "card_country", value: "USA", action: "block" }, "value"],
    [{ kind: "card_fingerprint", value: " padded", action: "block" }, "value"],
    [{ kind: "planet", value: "mars", action: "block" }, "kind"],
    [{ kind: "device_id", value: "d", action: "deny" }, "action"],
    [{ kind: "device_id", value: "d", action: "block", expires_at: "2001-01-01T00:00:00Z" }, "expires_at"],
    [{ kind: "device_id", value: "d", action: "block", expires_at: "tomorrow" }, "expires_at"],
    [{ kind: "device_id", value: "d", action: "block", note: "x".repeat(281) }, "note"],
    [{ kind: "device_id", value: "d", action: "block", note: "line\u0000break" }, "note"],
    [{ kind: "email_domain", value: "a.b.c.d.mailinator.com", action: "block" }, "value"],
    [{ kind: "device_id", value: "d", action: "block", colour: "red" }, "colour"],
  ])("%j → %s", async (body, path) => {
    const res = await add(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors?.map((e) => e.path)).toContain(path);
  });

  it("a card number as a value is refused and never echoed", async () => {
    const res = await postJson("/v1/lists/entries", { kind: "card_fingerprint", value: "4242424242424242", action: "block" });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe("pan_detected");
    expect(text).not.toContain("4242424242424242");
  });

  it("thresholds out of range or review above decline", async () => {
    for (const body of [{ review: -0.1, decline: 0.5 }, { review: 0.5, decline: 1.5 }, { review: 0.9, decline: 0.5 }, { review: 0.5 }]) {
      const res = await call("PUT", "/v1/policy/thresholds", undefined, body);
      expect(res.status).toBe(400);
      expect((await res.json<Problem>()).code).toBe("validation_failed");
    }
  });

  it("an id that is not an entry id, an unknown entry, a bad cursor", async () => {
    expect((await call("GET", "/v1/lists/entries/nope")).status).toBe(400);
    expect((await call("DELETE", "/v1/lists/entries/le_0000000000000000")).status).toBe(404);
    expect((await call("GET", "/v1/lists/entries?cursor=abc")).status).toBe(400);
    expect((await call("GET", "/v1/lists/entries?cursor=99999999999999999999")).status).toBe(400);
    expect((await call("GET", "/v1/lists/entries?limit=5000")).status).toBe(400);
  });

  it("malformed JSON and the wrong content type", async () => {
    expect((await postJson("/v1/lists/entries", "{")).status).toBe(400);
    expect((await postJson("/v1/lists/entries", "{}", { "content-type": "text/plain", ...bearer("sk_test_worker_suite_m_test_secret") })).status).toBe(415);
  });
});
