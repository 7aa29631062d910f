import { describe, expect, it } from "vitest";
import { TEST_CARDS, testCard } from "../../../src/policy/test-mode";

describe("test cards", () => {
  it("apply in test mode only", () => {
    for (const fp of Object.keys(TEST_CARDS)) {
      expect(testCard(fp, true)).toBeDefined();
      expect(testCard(fp, false)).toBeUndefined();
    }
    expect(testCard("card_fp_123", true)).toBeUndefined();
    expect(testCard("constructor", true)).toBeUndefined();
  });
});
