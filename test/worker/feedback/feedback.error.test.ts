import { describe, expect, it } from "vitest";
import { postJson, type ProblemBody } from "../helpers";
import { feedback, label, scored } from "./helpers";

describe("POST /v1/feedback: errors", () => {
  it("an unknown transaction is a per-item 404; the others are applied", async () => {
    const { transaction_id } = await scored();
    const out = await feedback([label("txn_never_scored_here", "fraud", "chargeback"), label(transaction_id, "fraud", "chargeback")]);
    expect(out.status).toBe(200);
    expect(out.body.results[0]).toMatchObject({ transaction_id: "txn_never_scored_here", error: { status: 404, code: "not_found" } });
    expect(out.body.results[1]).toMatchObject({ status: "applied" });
  });

  it("malformed bodies are 400 problems naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ labels: [] }, "labels"],
      [{ labels: [label("t1", "fraud", "gossip")] }, "labels[0].source"],
      [{ labels: [{ ...label("t1", "fraud", "chargeback"), label: "maybe" }] }, "labels[0].label"],
      [{ labels: [label("t1", "fraud", "manual_review", undefined, { reason_code: "10.4" })] }, "labels[0].reason_code"],
      [{ labels: [label("t1", "fraud", "chargeback", "yesterday")] }, "labels[0].learnt_at"],
      [{ labels: [label("t1", "fraud", "chargeback", "2099-01-01T00:00:00Z")] }, "labels[0].learnt_at"],
      [{ labels: [{ ...label("t1", "fraud", "chargeback"), extra: 1 }] }, "labels[0].extra"],
    ];
    for (const [body, path] of cases) {
      const res = await postJson("/v1/feedback", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problem = await res.json<ProblemBody>();
      expect(problem.code).toBe("validation_failed");
      expect(problem.errors?.map((e) => e.path), JSON.stringify(body)).toContain(path);
    }
  });
});
