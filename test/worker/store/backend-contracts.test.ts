import { describe, expect, inject, it } from "vitest";
import { toAlert, type Alert } from "../../../src/alerts/alert";
import { IN_FLIGHT_MS, type AlertSpill } from "../../../src/alerts/spill/interface";
import { MemoryAlertSpill } from "../../../src/alerts/spill/memory";
import { RedisAlertSpill } from "../../../src/alerts/spill/redis";
import type { Snapshot } from "../../../src/analytics/snapshot";
import type { SnapshotStore } from "../../../src/analytics/snapshots/interface";
import { MemorySnapshotStore } from "../../../src/analytics/snapshots/memory";
import { RedisSnapshotStore } from "../../../src/analytics/snapshots/redis";
import { recordFor } from "../../../src/auth/key-lifecycle";
import type { KeyStore } from "../../../src/auth/keys/interface";
import { MemoryKeyStore } from "../../../src/auth/keys/memory";
import { RedisKeyStore } from "../../../src/auth/keys/redis";
import type { RateLimiter } from "../../../src/auth/rate-limit/interface";
import { MemoryRateLimiter } from "../../../src/auth/rate-limit/memory";
import { UpstashRateLimiter } from "../../../src/auth/rate-limit/upstash";
import { scoreResult } from "../helpers";

/**
 * Each backend's memory implementation against its real one on the local redis-server: the same calls, the same
 * answers (the feature store has its own property test, memory-parity.test.ts). Redis is shared with the rest of
 * the suite, so every case works on ids of its own.
 */
const redis = () => ({ url: inject("redisRestUrl"), token: inject("redisRestToken") });
const run = () => crypto.randomUUID().slice(0, 8);

let n = 0;
async function anAlert(merchant: string, scoredAt = Date.now()): Promise<Alert> {
  return toAlert(scoreResult({ transaction_id: `txn_contract_${++n}`, decision: "decline", risk_level: "high" }), { decision: `${merchant}:secret:tx:txn_contract_${n}`, merchantId: merchant, eventTime: scoredAt, colo: undefined, scoredAt });
}

describe.each<[string, () => AlertSpill]>([
  ["redis", () => new RedisAlertSpill(redis())],
  ["memory", () => new MemoryAlertSpill()],
])("%s alert spill", (_name, make) => {
  it("keeps one copy per alert, oldest first, until removed", async () => {
    const s = make();
    const merchant = `m_contract_${run()}`;
    const [old, recent] = [await anAlert(merchant, Date.now() - 60_000), await anAlert(merchant, Date.now() - 1_000)];
    await s.spill([recent]);
    await s.spill([old, recent]);
    const mine = async () => (await s.oldest(10_000)).filter((a) => a.merchant_id === merchant);
    expect(await mine()).toEqual([old, recent]);
    await s.remove([old.alert_id]);
    expect((await mine()).map((a) => a.alert_id)).toEqual([recent.alert_id]);
    await s.remove([recent.alert_id]);
    expect(await mine()).toEqual([]);
  });

  it("journals before delivery: an acknowledged entry is forgotten, a stale one is reclaimed into the spill", async () => {
    const s = make();
    const merchant = `m_contract_${run()}`;
    const [delivered, abandoned] = [await anAlert(merchant), await anAlert(merchant)];
    const before = await s.backlog(Date.now() + IN_FLIGHT_MS + 60_000);
    await s.journal([delivered, abandoned]);
    await s.acknowledge([delivered.alert_id]);
    // Not waiting yet (in flight); waiting once older than IN_FLIGHT_MS.
    expect((await s.backlog(Date.now() + IN_FLIGHT_MS + 60_000)).count - before.count).toBe(1);
    expect(await s.reclaim(Date.now() + 1_000)).toBeGreaterThanOrEqual(1);
    expect((await s.oldest(10_000)).filter((a) => a.merchant_id === merchant)).toEqual([abandoned]);
    await s.remove([abandoned.alert_id]);
  });

  it("lets one replay at a time hold the lease", async () => {
    const s = make();
    const first = await s.lease(5_000);
    expect(first).not.toBeNull();
    expect(await s.lease(5_000)).toBeNull();
    await first!.release();
    const again = await s.lease(5_000);
    expect(again).not.toBeNull();
    await again!.release();
  });
});

describe.each<[string, () => SnapshotStore]>([
  ["redis", () => new RedisSnapshotStore(redis())],
  ["memory", () => new MemorySnapshotStore()],
])("%s snapshot store", (_name, make) => {
  it("gives back what was written, as a parsed snapshot", async () => {
    const s = make();
    const snapshot = {
      version: 1,
      generated_at: new Date().toISOString(),
      windows: { traffic_minutes: 5, drift_minutes: 60 },
      model: { id: "fraud-gbdt", version: `contract-${run()}` },
      global: {
        requests: 0,
        request_rate_per_s: 0,
        decisions: { approve: 0, review: 0, decline: 0, error: 0 },
        decision_rates: { approve: null, review: null, decline: null },
        error_rate: null,
        amount_usd: 0,
        latency_ms: { p50: null, p95: null, p99: null },
        score: { samples: 0, mean: null, edges: [0.5], proportions: [0, 0], psi: null },
      },
      merchants: {},
      features: {},
      alerts: { spill_backlog: 0, oldest_spilled_at: null, replayed: 0, replay_error: null },
      source: { queries: 0, rows: 0, truncated: false, ms: 0 },
    } satisfies Snapshot;
    await s.write(snapshot);
    expect(await s.read()).toEqual({ kind: "snapshot", snapshot });
  });
});

describe.each<[string, () => KeyStore]>([
  ["redis", () => new RedisKeyStore({ ...redis(), timeoutMs: 5000 })],
  ["memory", () => new MemoryKeyStore()],
])("%s key store", (_name, make) => {
  it("finds a record by digest, lists a merchant's keys oldest first, knows nothing else", async () => {
    const s = make();
    const merchant = `m_contract_${run()}`;
    const spec = { kind: "secret", mode: "test", merchantId: merchant } as const;
    const older = await recordFor(`sk_test_contract_${run()}_aaaaaaaaaaaaaaaa`, spec, new Date("2026-01-01T00:00:00Z"));
    const newer = await recordFor(`sk_test_contract_${run()}_bbbbbbbbbbbbbbbb`, spec, new Date("2026-02-01T00:00:00Z"));
    await s.put(newer);
    await s.put(older);
    expect(await s.get(older.sha256)).toEqual(older);
    expect(await s.list(merchant)).toEqual([older, newer]);
    expect(await s.get("0".repeat(64))).toBeNull();
    expect(await s.list(`m_nobody_${run()}`)).toEqual([]);
  });
});

describe.each<[string, () => RateLimiter]>([
  ["upstash", () => new UpstashRateLimiter({ ...redis(), timeoutMs: 5000 })],
  ["memory", () => new MemoryRateLimiter()],
])("%s rate limiter", (_name, make) => {
  it("allows the limit within a window, then refuses, counting every request", async () => {
    const limiter = make();
    const identifier = `contract_${run()}`;
    const policy = { requests: 3, window_s: 3600 };
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await limiter.begin(identifier, policy).verdict);
    expect(verdicts.map((v) => v.kind)).toEqual(["allowed", "allowed", "allowed", "limited", "limited"]);
    expect(verdicts.map((v) => ("remaining" in v ? v.remaining : undefined))).toEqual([2, 1, 0, 0, 0]);
    expect(verdicts.every((v) => "limit" in v && v.limit === 3)).toBe(true);
  });
});
