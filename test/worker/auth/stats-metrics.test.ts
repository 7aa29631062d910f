import { describe, expect, inject, it } from "vitest";
import { emptyStats, SNAPSHOT_VERSION, type Snapshot } from "../../../src/analytics/snapshot";
import { RedisSnapshotStore } from "../../../src/analytics/snapshots/redis";
import { TEST_METRICS_TOKEN, TEST_SECRET_KEY } from "./keys";
import type { ProblemBody } from "../helpers";
import { call, callWith, freshMerchant, newKey } from "./helpers";

const EDGES = [0, 0.5, 1];

function snapshotOf(merchants: Record<string, number>): Snapshot {
  const stats = (requests: number) => ({ ...emptyStats(EDGES), requests });
  return {
    version: SNAPSHOT_VERSION,
    generated_at: new Date().toISOString(),
    windows: { traffic_minutes: 5, drift_minutes: 60 },
    model: { id: "fraud-gbdt", version: "test" },
    global: stats(Object.values(merchants).reduce((a, b) => a + b, 0)),
    merchants: Object.fromEntries(Object.entries(merchants).map(([m, n]) => [m, stats(n)])),
    features: {},
    alerts: { spill_backlog: 0, oldest_spilled_at: null, replayed: 0, replay_error: null },
    source: { queries: 1, rows: 1, truncated: false, ms: 1 },
  };
}

const writeSnapshot = (s: Snapshot) => new RedisSnapshotStore({ url: inject("redisRestUrl"), token: inject("redisRestToken") }).write(s);

describe("GET /v1/stats — a merchant's own figures only", () => {
  it("shows the key's merchant and nothing of the others, whatever the query asks", async () => {
    const mine = freshMerchant("stats");
    const theirs = freshMerchant("stats");
    await writeSnapshot(snapshotOf({ [mine]: 7, [theirs]: 9 }));
    const { key } = await newKey({ kind: "secret", merchantId: mine });
    for (const path of ["/v1/stats", `/v1/stats?merchant=${theirs}`]) {
      const res = await call(path, { key });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(theirs);
      const body = JSON.parse(text) as { merchant: string; stats: { requests: number } };
      expect(body.merchant).toBe(mine);
      expect(body.stats.requests).toBe(7);
    }
  });
});

describe("GET /metrics — the operator's METRICS_TOKEN, no API key", () => {
  it("200 with the token; 401 without it, with a wrong one, or with an API key", async () => {
    await writeSnapshot(snapshotOf({ m_a: 1 }));
    const ok = await call("/metrics", { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    const wrong: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TEST_METRICS_TOKEN}x` },
      { authorization: `Bearer ${TEST_SECRET_KEY}` },
      { authorization: TEST_METRICS_TOKEN },
    ];
    for (const headers of wrong) {
      const res = await call("/metrics", { headers });
      expect(res.status).toBe(401);
      expect((await res.json<ProblemBody>()).code).toBe("unauthorized");
    }
  });

  it("refuses everyone when no METRICS_TOKEN is configured", async () => {
    const res = await callWith({ METRICS_TOKEN: "" }, "/metrics", { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(res.status).toBe(401);
    expect((await res.json<ProblemBody>()).detail).toContain("Send Authorization: Bearer <METRICS_TOKEN>");
  });
});
