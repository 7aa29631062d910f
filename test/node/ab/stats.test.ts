import { describe, expect, it } from "vitest";
import { buildReport, formatReport, type Observation } from "../../../scripts/ab/report";
import { mcnemar, normalCdf, psi, twoProportionZ, wilson } from "../../../scripts/ab/stats";

describe("A/B statistics", () => {
  it("normal CDF matches tabulated values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-2.575829)).toBeCloseTo(0.005, 5);
  });

  it("Wilson interval: the textbook example and the edges", () => {
    // 8 of 10: [0.4902, 0.9433] (Newcombe 1998, table I).
    const w = wilson(8, 10);
    expect(w.low).toBeCloseTo(0.4902, 3);
    expect(w.high).toBeCloseTo(0.9433, 3);
    expect(wilson(0, 50).low).toBe(0);
    expect(wilson(0, 50).high).toBeGreaterThan(0);
  });

  it("two-proportion z: equal rates give 0, a clear difference is significant", () => {
    expect(twoProportionZ(50, 100, 50, 100).z).toBe(0);
    const { z, p } = twoProportionZ(40, 100, 60, 100);
    expect(z).toBeCloseTo(2.828, 2);
    expect(p).toBeCloseTo(0.00468, 3);
  });

  it("McNemar: only discordant pairs count, direction in the sign", () => {
    expect(mcnemar(10, 10).p).toBeCloseTo(1, 6);
    const m = mcnemar(5, 25);
    expect(m.z).toBeGreaterThan(3);
    expect(m.p).toBeLessThan(0.001);
    expect(mcnemar(25, 5).z).toBeLessThan(-3);
    // Few discordant pairs: exact. 1 against 8 of 9: p = 2 · (1 + 9) / 2⁹.
    expect(mcnemar(1, 8)).toMatchObject({ exact: true, p: 20 / 512 });
  });

  it("PSI: 0 for the same sample, large for a shifted one", () => {
    const a = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(psi(a, a)).toBeCloseTo(0, 9);
    expect(psi(a, a.map((x) => Math.min(1, x + 0.3)))).toBeGreaterThan(0.25);
  });
});

describe("the report", () => {
  const t = { review: 0.3, decline: 0.7 };
  it("compares a shadow with the live model on the same transactions, and a challenger on its own", () => {
    const obs: Observation[] = [];
    const labels = new Map<string, 0 | 1>();
    for (let i = 0; i < 400; i++) {
      const fraud = i % 10 === 0;
      const id = `t${i}`;
      labels.set(id, fraud ? 1 : 0);
      const challenger = i % 2 === 1;
      // The shadow catches every fraud; the live model half of them.
      const live = fraud ? (i % 20 === 0 ? 0.9 : 0.1) : 0.05;
      obs.push({ transaction_id: id, decision: live >= 0.7 ? "decline" : "approve", model: { version: challenger ? "c" : "l", role: challenger ? "challenger" : "live", score: live }, shadows: [{ version: "s", score: fraud ? 0.95 : 0.05 }] });
    }
    const r = buildReport(obs, labels, () => t, "l");
    expect(r.variants.map((v) => `${v.role}:${v.version}`)).toEqual(["live:l", "challenger:c", "shadow:s"]);
    const shadow = r.variants.find((v) => v.role === "shadow")!;
    expect(shadow.labelled!.at_decline.recall.p).toBe(1);
    const live = r.variants.find((v) => v.role === "live")!;
    expect(live.labelled!.at_decline.recall.p).toBe(0.5);
    const vsShadow = r.comparisons.find((c) => c.candidate === "s")!;
    expect(vsShadow.test).toMatch(/McNemar/);
    expect(vsShadow.recall_at_decline.z).toBeGreaterThan(0);
    expect(vsShadow.recall_at_decline.p).toBeLessThan(0.01);
    expect(r.comparisons.find((c) => c.candidate === "c")!.test).toMatch(/two-proportion/);
    expect(formatReport(r)).toContain("| shadow | s |");
  });
});
