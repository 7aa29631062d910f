import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ObservationLog } from "../../../src/analytics/observations";
import { applyChange, bucketOf, initialRouting, routeFor, routedVersions } from "../../../src/model/routing";
import { RoutingView } from "../../../src/model/routing-view";
import { MAX_ROUTED_VERSIONS, type Routing } from "../../../src/schemas/routing";

const now = new Date("2026-12-02T00:00:00Z");
const apply = (r: Routing, c: Parameters<typeof applyChange>[1]): Routing => {
  const out = applyChange(r, c, now);
  if ("code" in out) throw new Error(out.message);
  return out;
};

describe("routing: the split", () => {
  it("is deterministic per shopper and salt, and a share of s% takes about s% of shoppers", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (salt, key) => bucketOf(salt, key) === bucketOf(salt, key) && bucketOf(salt, key) >= 0 && bucketOf(salt, key) < 10_000));
    const r = apply(initialRouting("v1"), { action: "challenger", version: "v2", share: 10 });
    const n = 20_000;
    let challenger = 0;
    for (let i = 0; i < n; i++) if (routeFor(r, "m", `cus:${i}`).role === "challenger") challenger++;
    // 10 % ± 4.5 standard deviations of a binomial(20 000, 0.1).
    expect(Math.abs(challenger / n - 0.1)).toBeLessThan(4.5 * Math.sqrt((0.1 * 0.9) / n));
  });

  it("another experiment (another challenger version) draws other shoppers", () => {
    const a = apply(initialRouting("v1"), { action: "challenger", version: "v2", share: 50 });
    const b = apply(initialRouting("v1"), { action: "challenger", version: "v3", share: 50 });
    let same = 0;
    for (let i = 0; i < 2_000; i++) if ((routeFor(a, "m", `k${i}`).role === "challenger") === (routeFor(b, "m", `k${i}`).role === "challenger")) same++;
    expect(same / 2_000).toBeGreaterThan(0.4);
    expect(same / 2_000).toBeLessThan(0.6);
  });

  it("a pin beats the split for its merchant only", () => {
    const r = apply(apply(initialRouting("v1"), { action: "challenger", version: "v2", share: 50 }), { action: "pin", merchant: "m_a", version: "v3" });
    for (let i = 0; i < 100; i++) expect(routeFor(r, "m_a", `k${i}`)).toEqual({ version: "v3", role: "pinned" });
    expect(new Set(Array.from({ length: 100 }, (_, i) => routeFor(r, "m_b", `k${i}`).version))).toEqual(new Set(["v1", "v2"]));
  });
});

describe("routing: changes", () => {
  it("promote and rollback walk a stack of earlier live versions", () => {
    let r = initialRouting("v1");
    r = apply(r, { action: "promote", version: "v2" });
    r = apply(r, { action: "promote", version: "v3" });
    expect(r.previous).toEqual(["v1", "v2"]);
    r = apply(r, { action: "rollback" });
    expect(r.live).toBe("v2");
    r = apply(r, { action: "rollback" });
    expect(r.live).toBe("v1");
    expect(applyChange(r, { action: "rollback" }, now)).toMatchObject({ code: "conflict" });
    expect(r.history.map((h) => h.change)).toEqual(["rollback", "rollback", "promote v3", "promote v2"]);
  });

  it("promoting the challenger or a shadow takes it out of that role", () => {
    let r = apply(initialRouting("v1"), { action: "challenger", version: "v2", share: 5 });
    r = apply(r, { action: "promote", version: "v2" });
    expect(r.challenger).toBeNull();
    r = apply(r, { action: "shadow", version: "v3" });
    r = apply(r, { action: "promote", version: "v3" });
    expect(r.shadows).toEqual([]);
  });

  it("never names more versions than an isolate holds sessions for, whatever the changes", () => {
    const version = fc.constantFrom("v1", "v2", "v3", "v4", "v5", "v6");
    const change = fc.oneof(
      version.map((v) => ({ action: "promote" as const, version: v })),
      fc.constant({ action: "rollback" as const }),
      fc.tuple(version, fc.integer({ min: 1, max: 50 })).map(([v, share]) => ({ action: "challenger" as const, version: v, share })),
      version.map((v) => ({ action: "shadow" as const, version: v })),
      version.map((v) => ({ action: "unshadow" as const, version: v })),
      fc.tuple(fc.constantFrom("m1", "m2", "m3"), version).map(([merchant, v]) => ({ action: "pin" as const, merchant, version: v })),
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), (changes) => {
        let r = initialRouting("v1");
        for (const c of changes) {
          const out = applyChange(r, c, now);
          if (!("code" in out)) r = out;
          expect(routedVersions(r).size).toBeLessThanOrEqual(MAX_ROUTED_VERSIONS);
          expect(r.shadows).not.toContain(r.live);
          if (r.challenger) expect(r.challenger.version).not.toBe(r.live);
        }
      }),
    );
  });
});

describe("routing: an isolate's view", () => {
  it("takes a new document only when the stamp moves, keeps the last good one if a document does not parse, and resets at stamp 0", () => {
    const view = new RoutingView("bundled");
    expect(view.current().live).toBe("bundled");
    const doc = JSON.stringify(apply(initialRouting("bundled"), { action: "promote", version: "v2" }));
    expect(view.update({ stamp: 5, doc }).live).toBe("v2");
    expect(view.known()).toBe(5);
    expect(view.update({ stamp: 5 }).live).toBe("v2");
    expect(view.update({ stamp: 6, doc: "{not json" }).live).toBe("v2");
    expect(view.known()).toBe(5);
    expect(view.update({ stamp: 0 }).live).toBe("bundled");
  });
});

describe("the observation log", () => {
  it("keeps the last N in order and pages by sequence number", () => {
    const log = new ObservationLog(5);
    for (let i = 0; i < 12; i++) log.add({ at: i, merchant: "m", transaction_id: `t${i}`, decision: "approve", model: { version: "v", role: "live", score: 0 }, shadows: [] });
    expect(log.since(-1, 100).map((o) => o.transaction_id)).toEqual(["t7", "t8", "t9", "t10", "t11"]);
    expect(log.since(8, 2).map((o) => o.seq)).toEqual([9, 10]);
    expect(log.since(11, 10)).toEqual([]);
  });
});
