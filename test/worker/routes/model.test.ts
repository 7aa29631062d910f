import { describe, expect, it } from "vitest";
import { getWithKey } from "../helpers";

describe("GET /v1/model", () => {
  it("describes the live model", async () => {
    const res = await getWithKey("/v1/model");
    expect(res.status).toBe(200);
    const body = await res.json<{ id: string; features: unknown[] }>();
    expect(body.id).toBe("fraud-gbdt");
    expect(body.features.length).toBeGreaterThan(10);
  });
});
