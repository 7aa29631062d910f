import { describe, expect, it } from "vitest";
import { FEATURES } from "../../../src/features";
import type { ModelCard } from "../../../src/model/card";
import { reasonsFrom } from "../../../src/scoring/reasons";

/** Just what reasons read from a card: five of the real features and their references. */
const NAMES = ["ip_count_7d", "ip_count_1h", "email_domain_risk", "device_count_7d", "device_count_1h"];
const card = {
  features: NAMES.map((n) => FEATURES.find((f) => f.name === n)!),
  baselines: { reference: { ip_count_7d: 2, ip_count_1h: 1, email_domain_risk: 1, device_count_7d: 3, device_count_1h: 1 } },
} as unknown as ModelCard;

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));
/** One row's Shapley values (log-odds) by feature name; the reference row sits at log-odds −3. */
const phiOf = (by: Record<string, number>) => Float64Array.from(NAMES, (n) => by[n] ?? 0);
const REFERENCE_MARGIN = -3;
const scoreOf = (phi: Float64Array) => Float32Array.of(sigmoid(REFERENCE_MARGIN + phi.reduce((a, b) => a + b, 0)));

describe("reasonsFrom", () => {
  it("names what raised the score from the row's value, most impact first", () => {
    // A named IP with no history, a disposable e-mail domain, and no device sent (its features all -1).
    const rows = Float32Array.from([0, 0, 2, -1, -1]);
    const phi = phiOf({ ip_count_7d: 0.4, ip_count_1h: 0.2, email_domain_risk: 1.2, device_count_7d: 0.8 });
    const [reasons] = reasonsFrom(scoreOf(phi), rows, phi, REFERENCE_MARGIN, card);
    expect(reasons!.map((r) => [r.code, r.feature])).toEqual([
      ["disposable_email_domain", "email_domain_risk"],
      ["device_not_provided", "device_count_7d"],
      ["ip_little_history", "ip_count_7d"],
      ["ip_little_history", "ip_count_1h"],
    ]);
  });

  it("splits the gap between the score and the reference's score in proportion to the Shapley values", () => {
    const rows = Float32Array.from([0, 0, 2, 3, 1]);
    const phi = phiOf({ ip_count_7d: 0.5, email_domain_risk: 1.5 });
    const score = scoreOf(phi);
    const [reasons] = reasonsFrom(score, rows, phi, REFERENCE_MARGIN, card);
    const gap = score[0]! - sigmoid(REFERENCE_MARGIN);
    expect(reasons!.map((r) => r.feature)).toEqual(["email_domain_risk", "ip_count_7d"]);
    expect(reasons![0]!.impact).toBeCloseTo(gap * 0.75, 5);
    expect(reasons![1]!.impact).toBeCloseTo(gap * 0.25, 5);
  });

  it("a busy IP is velocity; features that lower the score are not reasons", () => {
    const rows = Float32Array.from([9, 4, 0, 3, 1]);
    const phi = phiOf({ ip_count_7d: 0.8, ip_count_1h: 0.4, email_domain_risk: -0.4 });
    const [reasons] = reasonsFrom(scoreOf(phi), rows, phi, REFERENCE_MARGIN, card);
    expect(reasons!.map((r) => r.code)).toEqual(["ip_velocity", "ip_velocity"]);
  });

  it("when the contributions cancel out, each still counts by the slope of the score", () => {
    const rows = Float32Array.from([9, 4, 0, 3, 1]);
    const phi = phiOf({ ip_count_7d: 0.5, email_domain_risk: -0.5 });
    const [reasons] = reasonsFrom(scoreOf(phi), rows, phi, REFERENCE_MARGIN, card);
    const p = sigmoid(REFERENCE_MARGIN);
    expect(reasons!.map((r) => r.feature)).toEqual(["ip_count_7d"]);
    expect(reasons![0]!.impact).toBeCloseTo(0.5 * p * (1 - p), 5);
  });
});
