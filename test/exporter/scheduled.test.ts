import { createScheduledController, env } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import cardJson from "../../models/fraud-gbdt.card.json";
import { toDataPoints, type DecisionRecord } from "../../src/analytics/decision-points";
import { binOf } from "../../src/analytics/histogram";
import { DOUBLES, KEY_FEATURES, LATENCY_EDGES_MS } from "../../src/analytics/schema";
import { RedisSnapshotStore } from "../../src/analytics/snapshots/redis";
import { failureRecord } from "../../src/analytics/record";
import { ModelCardSchema } from "../../src/model/card";
import type { ExporterBindings } from "../../workers/metrics-exporter/src/config";
import exporter from "../../workers/metrics-exporter/src/index";
import { psi } from "../../workers/metrics-exporter/src/psi";
import { resetAe, setAeDown, storePoints } from "./ae-local";
import { prng, record } from "./points";

/**
 * The exporter Worker's scheduled handler, called in workerd as the cron would call it (its module's handler with
 * a ScheduledController and the project's bindings — SELF.scheduled does not reach a handler in this pool
 * version: the stub's method is proxied as RPC), against the local
 * AE SQL API stand-in holding data points written by the scorer's own point builder — including a batch of 300
 * aggregated into at most 25 points. Every figure in the snapshot is checked against the raw records.
 */
const card = ModelCardSchema.parse(cardJson);
const store = () => new RedisSnapshotStore({ url: inject("redisRestUrl"), token: inject("redisRestToken") });
const MIN = 60_000;

/** Runs the handler; "ok" or "exception" as the cron's history would record it. */
async function runCron(at: number): Promise<"ok" | "exception"> {
  try {
    await exporter.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env as ExporterBindings);
    return "ok";
  } catch {
    return "exception";
  }
}

interface Timed {
  records: DecisionRecord[];
  at: number;
  /** Written as one invocation (aggregated if over 25). */
  batch: boolean;
  /** AE's sampling: each stored point stands for this many (default 1). */
  sampled?: number;
}

function seed(now: number): Timed[] {
  const rand = prng(42);
  const v = card.version;
  const recent = now - 2 * MIN;
  return [
    ...Array.from({ length: 30 }, () => ({ records: [record(rand, "m_a", v)], at: recent, batch: false })),
    ...Array.from({ length: 12 }, () => ({ records: [record(rand, "m_b", v)], at: recent, batch: false, sampled: 3 })),
    { records: Array.from({ length: 300 }, () => record(rand, "m_c", v, { latency_ms: 12.5 })), at: recent, batch: true },
    { records: [failureRecord("m_a", 40, "AMS"), failureRecord("_unknown", 3, "AMS")], at: recent, batch: true },
    // In the drift window only (30 min ago), and outside both (2 h ago).
    ...Array.from({ length: 20 }, () => ({ records: [record(rand, "m_b", v)], at: now - 30 * MIN, batch: false })),
    ...Array.from({ length: 20 }, () => ({ records: [record(rand, "m_a", v)], at: now - 120 * MIN, batch: false })),
    // Another model version: traffic, but not this card's drift.
    { records: [record(rand, "m_a", "other-version")], at: recent, batch: false },
  ];
}

async function store_(timed: Timed[]): Promise<void> {
  await storePoints(
    timed.flatMap((t) => toDataPoints(t.records, card.baselines.score.edges).map((point) => ({ point, at: t.at, sampleInterval: t.sampled }))),
  );
}

/** The transactions the points after `from` stand for: a sampled point's record counts `sampled` times. */
const within = (t: Timed[], from: number) =>
  t.filter((x) => x.at > from).flatMap((x) => Array.from({ length: x.sampled ?? 1 }, () => x.records).flat());

describe("scheduled exporter → snapshot in Redis", () => {
  beforeEach(resetAe);

  it("computes every figure from the AE data as the raw records say", async () => {
    const now = Date.now();
    const timed = seed(now);
    await store_(timed);
    expect(await runCron(now)).toBe("ok");

    const read = await store().read();
    if (read.kind !== "snapshot") throw new Error(`no snapshot: ${JSON.stringify(read)}`);
    const s = read.snapshot;
    expect(s.model).toEqual({ id: card.id, version: card.version });
    expect(s.windows).toEqual({ traffic_minutes: 5, drift_minutes: 60 });
    expect(s.source.truncated).toBe(false);

    // Traffic window (5 min): counts exact, the aggregated batch included.
    const traffic = within(timed, now - 5 * MIN);
    const count = (rs: DecisionRecord[], d: string) => rs.filter((r) => r.decision === d).length;
    expect(s.global.requests).toBe(traffic.length);
    expect(s.global.decisions).toEqual({ approve: count(traffic, "approve"), review: count(traffic, "review"), decline: count(traffic, "decline"), error: 2 });
    expect(s.global.error_rate).toBeCloseTo(2 / traffic.length, 12);
    expect(s.global.request_rate_per_s).toBeCloseTo(traffic.length / 300, 12);
    expect(s.global.amount_usd).toBeCloseTo(traffic.reduce((t, r) => t + r.amount_usd, 0), 6);
    const scoredTraffic = traffic.filter((r) => r.decision !== "error");
    expect(s.global.decision_rates.decline).toBeCloseTo(count(traffic, "decline") / scoredTraffic.length, 12);

    for (const m of ["m_a", "m_b", "m_c"]) {
      const rs = traffic.filter((r) => r.merchant === m);
      expect(s.merchants[m]!.requests).toBe(rs.length);
      expect(s.merchants[m]!.decisions.review).toBe(count(rs, "review"));
    }
    expect(s.merchants.m_c!.latency_ms.p50).toBeGreaterThan(LATENCY_EDGES_MS[binOf(LATENCY_EDGES_MS, 12.5) - 1]!);
    expect(s.merchants.m_c!.latency_ms.p50).toBeLessThanOrEqual(LATENCY_EDGES_MS[binOf(LATENCY_EDGES_MS, 12.5)]!);

    // Latency quantiles: in the bin of the exact quantile of the raw latencies.
    const lat = scoredTraffic.map((r) => r.latency_ms).sort((a, b) => a - b);
    const p95 = lat[Math.ceil(0.95 * lat.length) - 1]!;
    const bin = binOf(LATENCY_EDGES_MS, p95);
    expect(s.global.latency_ms.p95).toBeGreaterThan(LATENCY_EDGES_MS[bin - 1]!);
    expect(s.global.latency_ms.p95).toBeLessThanOrEqual(LATENCY_EDGES_MS[bin]!);

    // Drift window (60 min), this card's version: the score histogram is exact despite the aggregation.
    const drift = within(timed, now - 60 * MIN).filter((r) => r.decision !== "error" && r.model_version === card.version);
    const { edges, proportions } = card.baselines.score;
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const r of drift) counts[binOf(edges, r.score)]!++;
    expect(s.global.score.samples).toBe(drift.length);
    expect(s.global.score.proportions).toEqual(counts.map((c) => c / drift.length).map((p) => expect.closeTo(p, 12)));
    expect(s.global.score.psi).toBeCloseTo(psi(proportions, counts)!, 9);
    expect(s.global.score.mean).toBeCloseTo(drift.reduce((t, r) => t + r.score, 0) / drift.length, 9);

    // Key features: carried only by points that stand for one transaction (features_recorded = 1), which the
    // 300-batch's aggregated points are not.
    const recorded = timed
      .filter((t) => t.at > now - 60 * MIN)
      .flatMap((t) => toDataPoints(t.records, edges).flatMap((p) => Array.from({ length: t.sampled ?? 1 }, () => p)))
      .filter((p) => p.doubles![DOUBLES.indexOf("features_recorded")] === 1);
    expect(recorded.length).toBeGreaterThan(84);
    expect(recorded.length).toBeLessThan(84 + 25);
    for (const f of KEY_FEATURES) {
      const baseline = card.baselines.features[f];
      if (!baseline) continue;
      const fc = new Array<number>(baseline.edges.length + 1).fill(0);
      for (const p of recorded) fc[binOf(baseline.edges, p.doubles![DOUBLES.indexOf(f)]!)]!++;
      expect(s.features[f]).toEqual({ samples: recorded.length, psi: expect.closeTo(psi(baseline.proportions, fc)!, 9) });
    }
  });

  it("an AE outage fails the run (visible in the cron's history) and leaves the last snapshot in place", async () => {
    const now = Date.now();
    await store_(seed(now));
    expect(await runCron(now)).toBe("ok");
    const before = await store().read();
    await setAeDown(true);
    try {
      expect(await runCron(now + MIN)).toBe("exception");
    } finally {
      await setAeDown(false);
    }
    expect(await store().read()).toEqual(before);
  });
});
