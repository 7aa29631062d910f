import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { reasonCatalog, withCatalog } from "../../../scripts/docs/reason-catalog";
import { REASON_CODES } from "../../../src/features";

describe("docs/reasons.md", () => {
  it("lists exactly the codes the feature definition can report (regenerate with npm run docs:reasons)", () => {
    const text = readFileSync(new URL("../../../docs/reasons.md", import.meta.url), "utf8");
    expect(withCatalog(text)).toBe(text);
    const listed = [...reasonCatalog().matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...REASON_CODES]);
  });
});
