import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BehaviourReplay, FEATURE_COUNT } from "../../../src/features";
import { DAY_MS } from "../../../src/features/state";
import type { TransactionRecord } from "../../../src/schemas/feedback";
import { generateStream } from "../../../scripts/data/stream";
import { retrain, type RetrainOutcome } from "../../../scripts/retrain";
import { joinLabels, type Kept } from "../../../scripts/retrain/labelled";

/** Kept transactions as the scorer keeps them — record with its feature row — labelled from the stream's truth. */
function keptStream(seed: number, rows: number, labelShare: number): Kept[] {
  const replay = new BehaviourReplay();
  const out: Kept[] = [];
  let i = 0;
  for (const r of generateStream({ seed, rows, days: 20 })) {
    const features = Array.from(replay.next({ tx: r.tx, edge: r.edge, t: r.t }));
    const record: TransactionRecord = {
      transaction_id: `txn_rt_${i}`,
      merchant: r.tx.merchant.id,
      t: r.t,
      score: 0,
      decision: "approve",
      model: { version: "test" },
      source: "secret",
      amount: r.tx.amount,
      currency: r.tx.currency,
      entities: { card: r.tx.card.fingerprint },
      reasons: [],
      features,
    };
    const labelled = i % Math.round(1 / labelShare) === 0 || r.label === 1;
    out.push({
      record,
      ...(labelled && { label: { label: r.label ? "fraud" : "legitimate", source: "chargeback", learnt_at: new Date(r.t + 30 * DAY_MS).toISOString(), received_at: new Date().toISOString() } }),
    });
    i++;
  }
  return out;
}

describe("retraining on labelled decisions", () => {
  it("label delay: unlabelled transactions younger than the horizon are left out, older ones count as legitimate", () => {
    const now = Date.UTC(2026, 11, 1);
    const row = (t: number, label?: "fraud" | "legitimate"): Kept => ({
      record: { transaction_id: `t${t}`, merchant: "m", t, score: 0, decision: "approve", model: { version: "v" }, source: "secret", amount: 1, currency: "USD", entities: { card: "c" }, reasons: [], features: new Array(FEATURE_COUNT).fill(0) },
      ...(label && { label: { label, source: "chargeback", learnt_at: new Date(t).toISOString(), received_at: new Date(t).toISOString() } }),
    });
    const { rows, report } = joinLabels([row(now - 90 * DAY_MS), row(now - 10 * DAY_MS), row(now - 10 * DAY_MS, "fraud"), row(now - 100 * DAY_MS, "legitimate")], { now, horizonDays: 60 });
    expect(report).toMatchObject({ kept: 4, labelledFraud: 1, labelledLegitimate: 1, assumedLegitimate: 1, tooYoung: 1 });
    expect(rows.map((r) => r.y)).toEqual([0, 0, 1]);
  });

  it("end to end on a small stream: a candidate, its comparison with the live model on the holdout, and the gate's verdict", async () => {
    const dir = mkdtempSync(join(tmpdir(), "retrain-"));
    const file = join(dir, "kept.jsonl");
    writeFileSync(file, keptStream(99, 4_000, 0.5).map((k) => JSON.stringify(k)).join("\n"));
    const lines: string[] = [];
    const out = (await retrain(["--file", file, "--out", join(dir, "out"), "--base-rows", "30000", "--trees", "20", "--quiet"], {}, (l) => lines.push(l))) as RetrainOutcome;
    expect(typeof out.passed).toBe("boolean");
    for (const ext of ["onnx", "card.json", "reference.json", "report.md"]) expect(existsSync(join(dir, "out", `fraud-gbdt.${ext}`))).toBe(true);
    const comparison = readFileSync(join(dir, "out", "comparison.md"), "utf8");
    expect(comparison).toMatch(/\| roc_auc \| 0\.\d{4} \| 0\.\d{4} \| 0\.\d{4} \| (yes|\*\*no\*\*) \|/);
    expect(comparison).toMatch(/labelled decisions\)/);
    expect(comparison).toContain(out.passed ? "Gate passed" : "Gate failed");
    const card = JSON.parse(readFileSync(join(dir, "out", "fraud-gbdt.card.json"), "utf8")) as { version: string; features: unknown[] };
    expect(card.version).toBe(out.version);
    expect(card.features).toHaveLength(FEATURE_COUNT);
    expect(lines.join("\n")).toMatch(/labelled decisions: kept 4000/);
  }, 120_000);
});
