import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileRule } from "../../../src/policy/rules";
import { TEST_CARDS } from "../../../src/policy/test-mode";
import { MAX_IP_RANGES, MAX_LIST_ENTRIES, MAX_RULES } from "../../../src/schemas/policy";

const doc = readFileSync(new URL("../../../docs/policy.md", import.meta.url), "utf8");

describe("docs/policy.md", () => {
  it("every example rule compiles", () => {
    const block = doc.split("```cel")[1]!.split("```")[0]!;
    const rules = block.trim().split("\n").map((l) => l.split("//")[0]!.trim());
    expect(rules.length).toBeGreaterThan(3);
    for (const r of rules) expect(compileRule(r), r).toMatchObject({ ok: true });
  });

  it("names every test card and the limits the code enforces", () => {
    for (const fp of Object.keys(TEST_CARDS)) expect(doc).toContain(`\`${fp}\``);
    expect(doc).toContain(MAX_LIST_ENTRIES.toLocaleString("en-US"));
    expect(doc).toContain(MAX_IP_RANGES.toLocaleString("en-US"));
    expect(doc).toMatch(new RegExp(`rules per merchant \\| ${MAX_RULES}`));
  });
});
