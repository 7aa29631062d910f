import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("GET /v1/model", () => {
  it("describes the live model", async () => {
    const res = await SELF.fetch("http://scorer.test/v1/model");
    expect(res.status).toBe(200);
    const body = await res.json<{ id: string; features: unknown[] }>();
    expect(body.id).toBe("fraud-gbdt");
    expect(body.features.length).toBeGreaterThan(10);
  });
});
