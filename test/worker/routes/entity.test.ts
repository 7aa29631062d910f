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
    const now = Date.now();
    const at = (msAgo: number, device: string) =>
      transaction({ card: { fingerprint }, device: { id: device }, created_at: new Date(now - msAgo).toISOString() });
    for (const tx of [at(3 * 86400_000, "d1"), at(2 * 3600_000, "d2"), at(60_000, "d3")]) {
      expect((await postJson("/v1/score", tx)).status).toBe(200);
    }
    const res = await getWithKey(`/v1/entities/card/${fingerprint}`);
    expect(res.status).toBe(200);
    const body = await res.json<EntityBody>();
    expect(body.events).toHaveLength(3);
    expect(body.windows["1h"].count).toBe(1);
    expect(body.windows["24h"].count).toBe(2);
    expect(body.windows["7d"].count).toBe(3);
    expect(body.windows["7d"].devices).toBe(3);
    expect(body.windows["7d"].amount_usd_cents).toBe(3 * 4999);
    expect(body.first_seen).toBe(new Date(now - 3 * 86400_000).toISOString());
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
