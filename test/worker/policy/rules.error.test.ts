import { describe, expect, it } from "vitest";
import { SCORE_ONLY_SECRET_KEY, TEST_ORIGIN, TEST_PUBLISHABLE_KEY } from "../auth/keys";
import { bearer, postJson, transaction } from "../helpers";
import { call } from "./helpers";

interface Problem {
  code: string;
  errors?: { path: string; code: string; message: string; position?: { start: number; end: number } }[];
}

const create = async (body: Record<string, unknown>) => {
  const res = await call("POST", "/v1/rules", undefined, body);
  return { status: res.status, body: await res.json<Problem>() };
};

describe("a rule that would not run is refused when written, with where the problem is", () => {
  it.each([
    ["tx.amont > 1.0", "cel_type", 3],
    ['tx.amount_usd > "x"', "cel_type", undefined],
    ["tx.amount_usd > ", "cel_syntax", undefined],
    ["tx.amount_usd", "cel_not_bool", undefined],
    ['tx.email_domain.matches("(a+)+$")', "cel_refused", undefined],
    ["merchant.id == 'm'", "cel_type", 0],
  ])("%s → %s", async (expression, code, start) => {
    const res = await create({ name: "r", expression, action: "block" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    const error = res.body.errors?.find((e) => e.path === "expression");
    expect(error?.code).toBe(code);
    if (start !== undefined) expect(error?.position?.start).toBe(start);
  });

  it("oversized expressions, unknown actions and fields", async () => {
    expect((await create({ name: "r", expression: `score > 0.5 ${"|| score > 0.5 ".repeat(200)}`, action: "block" })).status).toBe(400);
    expect((await create({ name: "r", expression: "score > 0.5", action: "deny" })).body.errors?.[0]?.path).toBe("action");
    expect((await create({ name: "r", expression: "score > 0.5", action: "block", priority: 1 })).body.errors?.[0]?.path).toBe("priority");
    expect((await create({ name: "", expression: "score > 0.5", action: "block" })).body.errors?.[0]?.path).toBe("name");
  });

  it("a rule test with a bad expression or bad transactions", async () => {
    const bad = await call("POST", "/v1/rules/test", undefined, { expression: "tx.nope", transactions: [transaction()] });
    expect(bad.status).toBe(400);
    const invalid = await call("POST", "/v1/rules/test", undefined, { expression: "score > 0.5", transactions: [{ amount: -1 }] });
    expect(invalid.status).toBe(400);
    expect((await invalid.json<Problem>()).errors?.some((e) => e.path.startsWith("transactions[0]"))).toBe(true);
  });

  it("an unknown rule id, and a malformed one", async () => {
    expect((await call("GET", "/v1/rules/rule_0000000000000000")).status).toBe(404);
    expect((await call("PUT", "/v1/rules/rule_0000000000000000", undefined, { name: "r", expression: "score > 0.5", action: "block" })).status).toBe(404);
    expect((await call("DELETE", "/v1/rules/nope")).status).toBe(400);
  });
});

describe("rules belong to secret keys with the policy scope", () => {
  it("a publishable key and a key without the scope are refused", async () => {
    expect((await postJson("/v1/rules", { name: "r", expression: "score > 0.5", action: "allow" }, { ...bearer(TEST_PUBLISHABLE_KEY), origin: TEST_ORIGIN })).status).toBe(403);
    expect((await call("GET", "/v1/rules", SCORE_ONLY_SECRET_KEY)).status).toBe(403);
    expect((await call("POST", "/v1/rules/test", SCORE_ONLY_SECRET_KEY, { expression: "score > 0.5", transactions: [transaction()] })).status).toBe(403);
  });
});
