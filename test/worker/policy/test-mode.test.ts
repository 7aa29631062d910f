import { describe, expect, it } from "vitest";
import { transaction } from "../helpers";
import { score } from "./helpers";

// The suite's keys are test-mode keys (sk_test_…); live keys are refused outside production (docs/auth.md), and
// the test cards are unit-tested to need test mode (test/node/policy/test-mode.test.ts).
describe("test cards force an outcome with a test-mode key", () => {
  it.each([
    ["card_fp_test_approve", "approve", "low"],
    ["card_fp_test_review", "review", "elevated"],
    ["card_fp_test_decline", "decline", "high"],
  ])("%s → %s", async (fingerprint, decision, risk) => {
    expect(await score(transaction({ card: { fingerprint } }))).toMatchObject({ decision, risk_level: risk, decision_source: "test_mode" });
  });

  it("card_fp_test_3ds asks for 3-D Secure", async () => {
    expect(await score(transaction({ card: { fingerprint: "card_fp_test_3ds" } }))).toMatchObject({ decision: "approve", request_3ds: true, decision_source: "test_mode" });
  });
});
