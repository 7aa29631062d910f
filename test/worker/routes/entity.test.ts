import { describe, expect, it } from "vitest";
import { getWithKey, postJson, transaction, type ProblemBody } from "../helpers";

interface EntityBody {
  type: string;
  id: string;
  first_seen: string;
  windows: Record<"1h" | "24h" | "7d", { count: number; amount_usd_cents: number; devices: number }>;
  events: { transaction_id: string; amount_usd_cents: number }[];
}

describe("GET /v1/entities/{type}/{id}", () => {
  it("shows what the scorer knows about a card, by window", async () => {
    const fingerprint = `fp_entity_${crypto.randomUUID()}`;
    const before = Date.now();
    for (const device of ["d1", "d2", "d3"]) expect((await postJson("/v1/score", transaction({ card: { fingerprint }, device: { id: device } }))).status).toBe(200);
    const res = await getWithKey(`/v1/entities/card/${fingerprint}`);
    expect(res.status).toBe(200);
    const body = await res.json<EntityBody>();
    expect(body.events).toHaveLength(3);
    for (const w of ["1h", "24h", "7d"] as const) expect(body.windows[w]).toMatchObject({ count: 3, devices: 3, amount_usd_cents: 3 * 4999 });
    expect(Date.parse(body.first_seen)).toBeGreaterThanOrEqual(before);
  });

  it("404 for an unknown entity, 400 for an unknown type", async () => {
    const unknown = await getWithKey(`/v1/entities/card/never_seen_${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json<ProblemBody>()).code).toBe("not_found");
    const badType = await getWithKey(`/v1/entities/planet/mars`);
    expect(badType.status).toBe(400);
    expect((await badType.json<ProblemBody>()).errors![0]!.path).toBe("param.type");
  });
});
