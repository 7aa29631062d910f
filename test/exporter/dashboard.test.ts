import { beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import committed from "../../docs/dashboards/fraud-scorer.grafana.json";
import { AE_QUERIES, MERCHANT_VARIABLE_QUERY, dashboard } from "../../docs/dashboards/build-dashboard";
import { toDataPoints } from "../../src/analytics/decision-points";
import { AeSqlClient } from "../../workers/metrics-exporter/src/ae-sql-client";
import { resetAe, storePoints } from "./ae-local";
import { prng, record } from "./points";

/**
 * The Grafana dashboard (docs/dashboards): the committed JSON is what build-dashboard.ts generates from the AE
 * schema, and every one of its AE queries — Altinity macros expanded as the plugin would for the last hour at a
 * 60 s step — runs in the documented dialect on the local AE SQL stand-in.
 */
const expand = (sql: string, merchant = "__all__") =>
  sql
    .replaceAll("$timeSeries", "(intDiv(toUInt32(timestamp), 60) * 60) * 1000")
    .replaceAll("$timeFilter", "timestamp > NOW() - INTERVAL '1' HOUR")
    .replaceAll("$interval", "60")
    .replaceAll("${dataset}", "fraud_decisions")
    .replaceAll("${merchant}", merchant);

const client = () => new AeSqlClient(inject("aeSqlUrl"), inject("aeSqlToken"));
const anyRow = z.record(z.string(), z.unknown());

describe("Grafana dashboard", () => {
  beforeAll(async () => {
    await resetAe();
    const rand = prng(7);
    const now = Date.now();
    const records = Array.from({ length: 120 }, (_, i) => record(rand, i % 3 ? "m_a" : "m_b", "v1"));
    await storePoints(records.flatMap((r, i) => toDataPoints([r], [0.5]).map((point) => ({ point, at: now - (i % 50) * 60_000 }))));
  });

  it("the committed JSON is build-dashboard.ts's output (regenerate: npx tsx docs/dashboards/build-dashboard.ts)", () => {
    expect(committed).toEqual(dashboard());
  });

  for (const [title, q] of Object.entries(AE_QUERIES)) {
    it(`"${title}" runs on the AE dialect, for all merchants and for one`, async () => {
      const all = await client().query(expand(q.sql), anyRow);
      expect(all.rows.length).toBeGreaterThan(0);
      const one = await client().query(expand(q.sql, "m_b"), anyRow);
      expect(one.rows.length).toBeGreaterThan(0);
      if (q.format === "time_series") expect(Object.keys(all.rows[0]!)[0]).toBe("t");
    });
  }

  it("throughput by decision adds up to the stored transactions", async () => {
    const { rows } = await client().query(
      expand(AE_QUERIES["Transactions per second by decision"]!.sql),
      z.object({ approve: z.number(), review: z.number(), decline: z.number(), error: z.number() }),
    );
    const perSecond = rows.reduce((s, r) => s + r.approve + r.review + r.decline + r.error, 0);
    expect(perSecond * 60).toBeCloseTo(120, 6);
  });

  it("the merchant picker lists merchants busiest first", async () => {
    const { rows } = await client().query(expand(MERCHANT_VARIABLE_QUERY), z.object({ merchant: z.string() }));
    expect(rows.map((r) => r.merchant)).toEqual(["m_a", "m_b"]);
  });
});
