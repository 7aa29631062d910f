import { describe, expect, it } from "vitest";
import { OTHER_SECRET_KEY } from "../auth/keys";
import { bearer, getWithKey, postJson, transaction } from "../helpers";

interface Entity {
  first_seen: string | null;
  last_seen: string | null;
  windows: Record<"1h" | "24h" | "7d", { count: number; merchants: number }>;
  events: { transaction_id: string }[];
}

const ip = () => `10.${[...crypto.getRandomValues(new Uint8Array(3))].join(".")}`;

describe("7. the entity view shows only the caller's own activity", () => {
  it("another merchant's transactions on the IP change none of its figures", async () => {
    const shared = ip();
    for (let i = 0; i < 5; i++) {
      expect((await postJson("/v1/score", transaction({ merchant: { id: "m_other" }, device: { ip: shared } }), bearer(OTHER_SECRET_KEY))).status).toBe(200);
    }
    const before = Date.now();
    const own = transaction({ device: { ip: shared } });
    expect((await postJson("/v1/score", own)).status).toBe(200);
    const view = await (await getWithKey(`/v1/entities/ip/${shared}`)).json<Entity>();
    expect(view.events.map((e) => e.transaction_id)).toEqual([own.transaction_id]);
    expect(view.windows["1h"]).toMatchObject({ count: 1, merchants: 1 });
    expect(view.windows["7d"].count).toBe(1);
    expect(Date.parse(view.first_seen!)).toBeGreaterThanOrEqual(before);
    expect(view.first_seen).toBe(view.last_seen);
  });
});

describe("9. one IP, one entity, however it is spelled", () => {
  it("IPv6 in any case and compression, and IPv4-mapped IPv6, are the same entity", async () => {
    const g = [...crypto.getRandomValues(new Uint16Array(2))].map((x) => x.toString(16));
    const spellings = [`2001:DB8:${g[0]}:${g[1]}:0:0:0:1`, `2001:0db8:${g[0]}:${g[1]}::1`, `2001:db8:${g[0]}:${g[1]}::0:1`];
    for (const spelled of spellings) expect((await postJson("/v1/score", transaction({ device: { ip: spelled } }))).status).toBe(200);
    const view = await (await getWithKey(`/v1/entities/ip/2001:db8:${g[0]}:${g[1]}::1`)).json<Entity>();
    expect(view.events).toHaveLength(3);

    const v4 = ip();
    for (const spelled of [v4, `::ffff:${v4}`]) expect((await postJson("/v1/score", transaction({ device: { ip: spelled } }))).status).toBe(200);
    expect((await (await getWithKey(`/v1/entities/ip/${v4}`)).json<Entity>()).events).toHaveLength(2);
  });

  it("an address with too many groups is an error of the caller's, never a 500 (path, body or CF-Connecting-IP)", async () => {
    const tooMany = "1::2:3:4:5:6:7:8:9";
    const view = await getWithKey(`/v1/entities/ip/${tooMany}`);
    expect(view.status).toBeGreaterThanOrEqual(400);
    expect(view.status).toBeLessThan(500);
    const scored = await postJson("/v1/score", transaction({ device: { ip: tooMany } }));
    expect(scored.status).toBeLessThan(500);
    const fromHeader = await postJson("/v1/score", transaction(), { "cf-connecting-ip": tooMany });
    expect(fromHeader.status).toBe(200);
  });
});
