import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MIXED, OTHER_MERCHANTS, toDataPoints, type DecisionRecord } from "../../src/analytics/decision-points";
import { binOf } from "../../src/analytics/histogram";
import { BLOBS, DOUBLES, KEY_FEATURES, MAX_POINTS_PER_INVOCATION } from "../../src/analytics/schema";
import { prng, record } from "./points";

const EDGES = [0.1, 0.3, 0.5, 0.8, 0.9];
const d = (p: AnalyticsEngineDataPoint, name: (typeof DOUBLES)[number]) => p.doubles![DOUBLES.indexOf(name)]!;
const b = (p: AnalyticsEngineDataPoint, name: (typeof BLOBS)[number]) => p.blobs![BLOBS.indexOf(name)];

function totals(points: AnalyticsEngineDataPoint[]) {
  const byDecision: Record<string, number> = {};
  let amount = 0;
  for (const p of points) {
    byDecision[b(p, "decision") as string] = (byDecision[b(p, "decision") as string] ?? 0) + d(p, "weight");
    amount += d(p, "amount_usd");
  }
  return { byDecision, amount, count: points.reduce((s, p) => s + d(p, "weight"), 0) };
}

function rawTotals(records: DecisionRecord[]) {
  const byDecision: Record<string, number> = {};
  for (const r of records) byDecision[r.decision] = (byDecision[r.decision] ?? 0) + 1;
  return { byDecision, amount: records.reduce((s, r) => s + r.amount_usd, 0), count: records.length };
}

/** The batch's points: within AE's per-invocation limit, with the records' count, decisions and amount. */
function fittedPoints(records: DecisionRecord[], amountDigits: number): AnalyticsEngineDataPoint[] {
  const points = toDataPoints(records, EDGES);
  expect(points.length).toBeLessThanOrEqual(MAX_POINTS_PER_INVOCATION);
  const got = totals(points);
  const want = rawTotals(records);
  expect(got.count).toBe(want.count);
  expect(got.byDecision).toEqual(want.byDecision);
  expect(got.amount).toBeCloseTo(want.amount, amountDigits);
  return points;
}

describe("toDataPoints (decision → Analytics Engine)", () => {
  it("writes one point per transaction up to the limit, in the schema's column order", () => {
    const rand = prng(1);
    const records = Array.from({ length: MAX_POINTS_PER_INVOCATION }, () => record(rand, "m_one", "v1"));
    const points = toDataPoints(records, EDGES);
    expect(points).toHaveLength(records.length);
    const [p, r] = [points[0]!, records[0]!];
    expect(p.indexes).toEqual(["m_one"]);
    expect(p.blobs).toEqual([r.decision, r.model_version, r.colo, r.country, r.channel, r.degraded, "live", "", ""]);
    expect(p.doubles).toEqual([r.score, r.latency_ms, r.amount_usd, 1, 1, ...r.features!, 0, 0]);
    expect(p.doubles).toHaveLength(DOUBLES.length);
    expect(KEY_FEATURES.map((f) => d(p, f))).toEqual(r.features);
  });

  it("carries the deciding model's role and each shadow's version and score beside the live score", () => {
    const rand = prng(9);
    const r = record(rand, "m_one", "v1", { model_role: "challenger", shadows: [{ version: "s1", score: 0.25 }, { version: "s2", score: 0.75 }] });
    const [p] = toDataPoints([r], EDGES);
    expect(p!.blobs.slice(6)).toEqual(["challenger", "s1", "s2"]);
    expect([d(p!, "shadow1_score"), d(p!, "shadow2_score")]).toEqual([0.25, 0.75]);
    // Aggregated points keep one shadow version per point (it is part of the grouping) and its mean score.
    const many = Array.from({ length: 200 }, (_, i) => record(rand, "m_big", "v1", { shadows: [{ version: i % 2 ? "a" : "b", score: i % 2 ? 0.1 : 0.3 }] }));
    for (const q of toDataPoints(many, EDGES)) expect(d(q, "shadow1_score")).toBeCloseTo(q.blobs[7] === "a" ? 0.1 : 0.3, 9);
  });

  it("aggregates a 1000-transaction batch into ≤ 25 points that keep counts, amounts and the score histogram", () => {
    const rand = prng(2);
    const records = Array.from({ length: 1000 }, () => record(rand, "m_big", "v1"));
    const points = fittedPoints(records, 6);
    // Each point's mean score lies in the bin its members share: the weighted histogram is the raw one.
    const fromPoints = new Array<number>(EDGES.length + 1).fill(0);
    for (const p of points) fromPoints[binOf(EDGES, d(p, "score"))]! += d(p, "weight");
    const raw = new Array<number>(EDGES.length + 1).fill(0);
    for (const r of records) raw[binOf(EDGES, r.score)]!++;
    expect(fromPoints).toEqual(raw);
    // The mean score is kept too.
    const meanPoints = points.reduce((s, p) => s + d(p, "score") * d(p, "weight"), 0) / 1000;
    expect(meanPoints).toBeCloseTo(records.reduce((s, r) => s + r.score, 0) / 1000, 9);
    // Aggregated points carry no feature values; dropped blobs say so.
    expect(points.filter((p) => d(p, "weight") > 1).every((p) => d(p, "features_recorded") === 0)).toBe(true);
    expect(points.some((p) => b(p, "channel") === MIXED)).toBe(true);
  });

  it("with more merchants than fit, keeps the busiest separate and pools the rest under _other", () => {
    const rand = prng(3);
    const records = Array.from({ length: 40 }, (_, m) => Array.from({ length: 40 - m }, () => record(rand, `m_${String(m).padStart(2, "0")}`, "v1"))).flat();
    const points = toDataPoints(records, EDGES);
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS_PER_INVOCATION);
    const merchants = new Set(points.map((p) => p.indexes![0]));
    expect(merchants.has(OTHER_MERCHANTS)).toBe(true);
    expect(merchants.has("m_00")).toBe(true);
    // A kept merchant's counts are exact.
    const m00 = points.filter((p) => p.indexes![0] === "m_00");
    expect(totals(m00)).toEqual({ ...rawTotals(records.filter((r) => r.merchant === "m_00")), amount: expect.any(Number) });
    expect(totals(points).count).toBe(records.length);
  });

  it("keeps the invariants for any batch (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 80 }), fc.integer(), (n, merchants, seed) => {
        const rand = prng(seed);
        const records = Array.from({ length: n }, () => record(rand, `m_${Math.floor(rand() * merchants)}`, "v1"));
        fittedPoints(records, 4);
      }),
      { numRuns: 60 },
    );
  });

  it("fits an index longer than AE's 96 bytes by cutting it on a character boundary", () => {
    const long = `m_${"é".repeat(60)}`;
    const [p] = toDataPoints([record(prng(4), long, "v1")], EDGES);
    const index = p!.indexes![0] as string;
    expect(new TextEncoder().encode(index).length).toBeLessThanOrEqual(96);
    expect(long.startsWith(index)).toBe(true);
  });
});
