import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEATURES, REASON_CODES, reasonCode } from "../../../src/features";
import { ModelCardSchema } from "../../../src/model/card";

const codes = (name: string) => FEATURES.find((f) => f.name === name)!.reason;

describe("reason codes depend on the value that raised the score", () => {
  it("a count above its reference is velocity, below it little history", () => {
    expect(reasonCode(codes("card_count_1h"), 7, 1)).toBe("card_velocity");
    expect(reasonCode(codes("card_count_1h"), 0, 1)).toBe("card_little_history");
  });

  it("against a sentinel reference (-1: usually not named) the pivot decides: a named IP with no history is not velocity", () => {
    expect(reasonCode(codes("ip_count_1h"), 0, -1)).toBe("ip_little_history");
    expect(reasonCode(codes("ip_count_1h"), 3, -1)).toBe("ip_velocity");
    expect(reasonCode(codes("account_age_days_log"), Math.log1p(2), -1)).toBe("new_account");
    expect(reasonCode(codes("account_age_days_log"), Math.log1p(400), -1)).toBe("established_account");
  });

  it("time since the last transaction: short is a rapid repeat, never seen is first_seen", () => {
    expect(reasonCode(codes("card_since_last_log"), Math.log1p(20), 11.7)).toBe("card_rapid_repeat");
    expect(reasonCode(codes("card_since_last_log"), 15, 11.7)).toBe("card_dormant");
    expect(reasonCode(codes("card_since_last_log"), -1, 11.7)).toBe("card_first_seen");
  });

  it("categories and flags report their own value, on either side of the reference", () => {
    expect(reasonCode(codes("email_domain_risk"), 2, -1)).toBe("disposable_email_domain");
    expect(reasonCode(codes("email_domain_risk"), 0, 1)).toBe("other_email_domain");
    expect(reasonCode(codes("channel"), 2, 3)).toBe("channel_moto");
    expect(reasonCode(codes("billing_shipping_mismatch"), 1, 0)).toBe("billing_shipping_mismatch");
    expect(reasonCode(codes("billing_shipping_mismatch"), -1, 0)).toBe("billing_or_shipping_country_missing");
    expect(reasonCode(codes("card_device_known"), 0, 1)).toBe("card_new_device");
  });

  it("every code is snake_case and the catalog has no duplicates", () => {
    for (const c of REASON_CODES) expect(c).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
  });
});

describe("with the served model's references (models/fraud-gbdt.card.json)", () => {
  const card = ModelCardSchema.parse(JSON.parse(readFileSync(new URL("../../../models/fraud-gbdt.card.json", import.meta.url), "utf8")));
  const served = (name: string, value: number) => {
    const f = card.features.find((x) => x.name === name)!;
    return reasonCode(f.reason, value, card.baselines.reference[name]!);
  };

  it("the card carries the definition's codes", () => {
    expect(card.features.map((f) => f.reason)).toEqual(FEATURES.map((f) => f.reason));
  });

  it("codes with an absolute meaning hold whatever the typical card does", () => {
    expect(served("card_merchants_24h", 1)).toBe("card_single_merchant");
    expect(served("card_merchants_24h", 4)).toBe("card_merchant_spread");
    expect(served("card_devices_24h", 1)).toBe("card_single_device");
    expect(served("card_amount_ratio_7d", 1)).toBe("card_usual_amount");
    expect(served("card_amount_ratio_7d", 3)).toBe("card_amount_above_usual");
    expect(served("card_amount_ratio_7d", 0.2)).toBe("card_amount_below_usual");
    expect(served("card_since_last_log", Math.log1p(30 * 3600))).toBe("card_returning");
    expect(served("card_since_last_log", Math.log1p(40))).toBe("card_rapid_repeat");
    expect(served("card_countries_7d", 0)).toBe("card_country_unknown");
    expect(served("customer_amount_ratio_7d", 1)).toBe("customer_usual_amount");
  });
});
