import { describe, expect, it } from "vitest";
import { FEATURES } from "../../../src/features";
import type { ModelCard } from "../../../src/model/card";
import { reasonsFrom, referenceVector, withReasonVariants } from "../../../src/scoring/reasons";

/** Just what reasons read from a card: five of the real features and their references. */
const NAMES = ["ip_count_7d", "ip_count_1h", "email_domain_risk", "device_count_7d", "device_count_1h"];
const card = {
  features: NAMES.map((n) => FEATURES.find((f) => f.name === n)!),
  baselines: { reference: { ip_count_7d: 2, ip_count_1h: 1, email_domain_risk: 1, device_count_7d: 3, device_count_1h: 1 } },
} as unknown as ModelCard;

/** Scores for the rows and their variants: every variant scores `drop` lower than its row. */
function scoresFor(rows: Float32Array, drop: (feature: string) => number) {
  const { all, plan } = withReasonVariants(rows, NAMES.length, referenceVector(card));
  const scores = new Float32Array(all.length / NAMES.length);
  scores[0] = 0.9;
  let at = plan.rowCount;
  for (const f of plan.variants[0]!) scores[at++] = 0.9 - drop(NAMES[f]!);
  return { scores, plan };
}

describe("reasonsFrom", () => {
  it("names what raised the score from the row's value, most impact first", () => {
    // A named IP with no history, a disposable e-mail domain, and no device sent (its features all -1).
    const rows = Float32Array.from([0, 0, 2, -1, -1]);
    const { scores, plan } = scoresFor(rows, (f) => ({ ip_count_7d: 0.1, ip_count_1h: 0.05, email_domain_risk: 0.3, device_count_7d: 0.2, device_count_1h: 0 })[f]!);
    const [reasons] = reasonsFrom(scores, rows, plan, card);
    expect(reasons!.map((r) => [r.code, r.feature])).toEqual([
      ["disposable_email_domain", "email_domain_risk"],
      ["device_not_provided", "device_count_7d"],
      ["ip_little_history", "ip_count_7d"],
      ["ip_little_history", "ip_count_1h"],
    ]);
    expect(reasons![0]!.impact).toBeCloseTo(0.3, 6);
  });

  it("a busy IP is velocity; features that lower the score are not reasons", () => {
    const rows = Float32Array.from([9, 4, 0, 3, 1]);
    const { scores, plan } = scoresFor(rows, (f) => ({ ip_count_7d: 0.2, ip_count_1h: 0.1, email_domain_risk: -0.1 })[f] ?? 0);
    const [reasons] = reasonsFrom(scores, rows, plan, card);
    expect(reasons!.map((r) => r.code)).toEqual(["ip_velocity", "ip_velocity"]);
  });
});
