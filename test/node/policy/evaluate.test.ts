import { describe, expect, it } from "vitest";
import { decideWithPolicy, type PolicyInputs } from "../../../src/policy/evaluate";
import type { PolicyView } from "../../../src/policy/view";
import { RangeIndex } from "../../../src/policy/values";
import type { ListEntry, Rule } from "../../../src/schemas/policy";

const card = { review: 0.3, decline: 0.8, rationale: "" };
const rule = (id: string, action: Rule["action"], holds: boolean | (() => unknown), created_at = "2026-12-01T00:00:00.000Z") => ({
  rule: { id, name: id, expression: "", action, enabled: true, created_at, created_by: "k", updated_at: created_at },
  run: typeof holds === "function" ? holds : () => holds,
});
const entry = (kind: ListEntry["kind"], value: string, action: ListEntry["action"], expires_at?: string): ListEntry => ({
  id: `le_${value}`,
  kind,
  value,
  action,
  ...(expires_at && { expires_at }),
  created_at: "2026-12-01T00:00:00.000Z",
  created_by: "k",
});
const view = (rules: ReturnType<typeof rule>[] = [], thresholds?: { review: number; decline: number }): PolicyView => ({ version: 1, ranges: new RangeIndex(), rules, ...(thresholds && { thresholds }) });
const inputs = (found: ListEntry[] = []): PolicyInputs => ({
  probes: found.map((e) => ({ kind: e.kind, value: e.value, field: `${e.kind}:${e.value}` })),
  found: (f) => found.find((e) => `${e.kind}:${e.value}` === f),
  context: () => ({}),
});
const NOW = Date.parse("2026-12-01T12:00:00Z");

describe("the policy's stages", () => {
  it("the model's thresholds are the default rules of the block and review stages", () => {
    expect(decideWithPolicy(0.9, card, view([rule("r", "review", true)]), inputs(), NOW)).toMatchObject({ decision: "decline", decision_source: "model" });
    expect(decideWithPolicy(0.9, card, view([rule("a", "allow", true)]), inputs(), NOW)).toMatchObject({ decision: "approve", decision_source: "rule" });
    expect(decideWithPolicy(0.5, card, view([rule("b", "block", true)]), inputs(), NOW)).toMatchObject({ decision: "decline", decision_source: "rule" });
    expect(decideWithPolicy(0.1, card, view([rule("r", "review", true)]), inputs(), NOW)).toMatchObject({ decision: "review", decision_source: "rule" });
    expect(decideWithPolicy(0.5, card, view(), inputs(), NOW)).toMatchObject({ decision: "review", decision_source: "model" });
    expect(decideWithPolicy(0.1, card, view(), inputs(), NOW)).toMatchObject({ decision: "approve", decision_source: "model" });
    expect(decideWithPolicy(0.1, card, view([], { review: 0.05, decline: 0.09 }), inputs(), NOW)).toMatchObject({ decision: "decline", risk_level: "high" });
  });

  it("lists before rules in a stage; later stages' rules are not run; errors are reported, not thrown", () => {
    let ran = 0;
    const out = decideWithPolicy(
      0.1,
      card,
      view([rule("late", "review", () => ++ran > 0), rule("bad", "block", () => { throw new Error("boom"); }), rule("b", "block", true)]),
      inputs([entry("device_id", "d", "block")]),
      NOW,
    );
    expect(out.decision_source).toBe("list");
    expect(out.hits.map((h) => (h.type === "list" ? h.entry.id : h.rule.id))).toEqual(["le_d", "b"]);
    expect(out.ruleErrors.map((e) => [e.rule.id, e.message])).toEqual([["bad", "boom"]]);
    expect(ran).toBe(0);
  });

  it("a score that is not a number (a failed model) is reviewed, never approved", () => {
    expect(decideWithPolicy(Number.NaN, card, view(), inputs(), NOW)).toMatchObject({ decision: "review", decision_source: "model" });
    expect(decideWithPolicy(Number.NaN, card, undefined, inputs(), NOW).decision).toBe("review");
  });

  it("an expired entry does not match; a rule returning a non-bool is an error", () => {
    expect(decideWithPolicy(0.1, card, view(), inputs([entry("device_id", "d", "block", "2026-12-01T11:59:59Z")]), NOW).decision_source).toBe("model");
    expect(decideWithPolicy(0.1, card, view([rule("n", "block", () => 1)]), inputs(), NOW).ruleErrors).toHaveLength(1);
  });
});

describe("IP ranges", () => {
  it("match every address inside them and none outside, whatever their number and prefix lengths", async () => {
    const { rangeOf, inRange } = await import("../../../src/policy/values");
    const index = new RangeIndex<string>();
    const ranges = ["10.0.0.0/8", "10.1.0.0/16", "192.0.2.0/24", "192.0.2.128/25", "2001:db8::/32", "2001:db8:abcd::/48"];
    for (const r of ranges) index.add(rangeOf(r)!, r);
    for (const ip of ["10.1.2.3", "10.2.0.1", "192.0.2.200", "192.0.2.1", "192.0.3.1", "2001:db8:abcd::1", "2001:db8:1::1", "2001:db9::1", "::ffff:10.1.0.9"]) {
      const expected = ranges.filter((r) => inRange(ip, rangeOf(r)!)).sort();
      expect(index.match(ip).sort(), ip).toEqual(expected);
    }
    expect(index.match("10.1.2.3").sort()).toEqual(["10.0.0.0/8", "10.1.0.0/16"]);
  });
});
