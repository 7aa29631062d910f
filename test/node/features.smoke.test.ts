import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, FEATURE_NAMES } from "../../src/features";

describe("feature definition", () => {
  it("has unique names", () => {
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_COUNT);
  });
});
