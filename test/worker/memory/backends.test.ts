import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TEST_METRICS_TOKEN } from "../auth/keys";
import { BASE, bearer, getWithKey, postJson, transaction } from "../helpers";

/**
 * What the memory project (vitest.memory.config.ts) runs on: no Redis anywhere, yet keys verify, state is kept
 * between requests of the isolate, and /health says where it lives.
 */
describe("BACKENDS=memory", () => {
  it("/health reports the memory feature store and spill; nothing is down", async () => {
    const res = await SELF.fetch(`${BASE}/health`, { headers: bearer(TEST_METRICS_TOKEN) });
    const body = await res.json<{ status: string; checks: Record<string, { status: string; detail?: string }> }>();
    expect(res.status).toBe(200);
    // Alerting is off here by choice (no sink configured), which /health does not count as a degradation.
    expect(body.status).toBe("ok");
    expect(body.checks.model!.status).toBe("ok");
    expect(body.checks.redis).toMatchObject({ status: "ok", detail: expect.stringContaining("BACKENDS=memory") });
    expect(body.checks.alert_spill!.status).toBe("ok");
    expect(body.checks.kafka!.status).toBe("not_configured");
  });

  it("keeps behaviour and answers between requests: a repeat is a replay, the card's history counts", async () => {
    const tx = transaction();
    const first = await postJson("/v1/score", tx);
    expect(first.status).toBe(200);
    const again = await postJson("/v1/score", tx);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const card = (tx.card as { fingerprint: string }).fingerprint;
    const entity = await (await getWithKey(`/v1/entities/card/${card}`)).json<{ windows: { "1h": { count: number } } }>();
    expect(entity.windows["1h"].count).toBe(1);
  });
});
