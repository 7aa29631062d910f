import { describe, expect, it } from "vitest";
import { feedback, label, scored } from "./helpers";

describe("POST /v1/feedback: happy path", () => {
  it("labels a scored transaction; the same label again is a duplicate, counted once", async () => {
    const { transaction_id } = await scored();
    const first = await feedback([label(transaction_id, "fraud", "chargeback", "2026-12-01T10:00:00Z", { reason_code: "10.4" })]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ transaction_id, status: "applied", label: { label: "fraud", source: "chargeback", reason_code: "10.4", learnt_at: "2026-12-01T10:00:00.000Z" } });
    const again = await feedback([label(transaction_id, "fraud", "chargeback", "2026-12-01T10:00:00Z", { reason_code: "10.4" })]);
    expect(again.body.results[0]).toMatchObject({ status: "duplicate" });
  });

  it("precedence: a more authoritative source supersedes, a less authoritative one does not; equal authority: the later learnt", async () => {
    const { transaction_id } = await scored();
    const steps: [string, string, string, string][] = [
      // [label, source, learnt_at, expected outcome]
      ["fraud", "customer_report", "2026-11-20T00:00:00Z", "applied"],
      ["legitimate", "manual_review", "2026-11-21T00:00:00Z", "applied"],
      ["fraud", "customer_report", "2026-11-25T00:00:00Z", "superseded"],
      ["fraud", "chargeback", "2026-11-22T00:00:00Z", "applied"],
      ["legitimate", "early_fraud_warning", "2026-11-30T00:00:00Z", "superseded"],
      ["legitimate", "chargeback", "2026-11-21T00:00:00Z", "superseded"],
      ["legitimate", "chargeback", "2026-11-29T00:00:00Z", "applied"],
    ];
    for (const [l, source, at, expected] of steps) {
      const out = await feedback([label(transaction_id, l as "fraud", source, at)]);
      expect(out.body.results[0], `${l} from ${source} at ${at}`).toMatchObject({ status: expected });
    }
    const last = await feedback([label(transaction_id, "fraud", "customer_report", "2026-12-01T00:00:00Z")]);
    expect(last.body.results[0]).toMatchObject({ status: "superseded", label: { label: "legitimate", source: "chargeback", learnt_at: "2026-11-29T00:00:00.000Z" } });
  });

  it("many labels in one request, answered in order", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await scored()).transaction_id);
    const out = await feedback(ids.map((id, i) => label(id, i % 2 ? "fraud" : "legitimate", "manual_review")));
    expect(out.body.results.map((r) => r.transaction_id)).toEqual(ids);
    expect(out.body.results.every((r) => "status" in r && r.status === "applied")).toBe(true);
  });
});
