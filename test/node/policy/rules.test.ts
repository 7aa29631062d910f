import { describe, expect, it } from "vitest";
import { FEATURE_COUNT, FEATURE_NAMES } from "../../../src/features";
import { compileRule, ruleContext } from "../../../src/policy/rules";
import { TransactionSchema } from "../../../src/schemas/transaction";

const tx = TransactionSchema.parse({
  transaction_id: "txn_1",
  amount: 150_000,
  currency: "USD",
  merchant: { id: "m_1" },
  card: { fingerprint: "card_fp_1", bin: "424242", country: "US" },
  customer: { email_domain: "Mailinator.com" },
  device: { ip: "2001:DB8::1", ip_country: "NG" },
});
const row = Float32Array.from({ length: FEATURE_COUNT }, (_, i) => i);
const context = ruleContext({ tx, edge: { country: "NG", colo: "LOS" }, t: Date.now() }, row, 0, 0.42);

const run = (expression: string) => {
  const c = compileRule(expression);
  if (!c.ok) throw new Error(c.problem.message);
  return c.run(context);
};

describe("rules in CEL", () => {
  it("see the transaction, the feature row by name, the score and the edge", () => {
    expect(run("tx.amount_usd > 1000.0 && tx.card_country != tx.ip_country")).toBe(true);
    expect(run(`features.${FEATURE_NAMES[5]} == 5.0`)).toBe(true);
    expect(run("score > 0.4 && score < 0.5")).toBe(true);
    expect(run('network.colo == "LOS" && tx.email_domain == "mailinator.com"')).toBe(true);
    expect(run('tx.ip == "2001:db8::1" && tx.customer_id == "" && tx.account_age_days == -1.0')).toBe(true);
    expect(run('tx.card_country in ["NG", "RU"]')).toBe(false);
    expect(run(`features.card_count_1h == ${FEATURE_NAMES.indexOf("card_count_1h")}.0 && features.card_count_1h >= 3`)).toBe(true);
    // CEL orders an int against a double, but does not call them equal: equality wants 3.0.
    expect(compileRule("features.card_count_1h == 3").ok).toBe(false);
  });

  it("are refused at write time with the problem and where it is", () => {
    const problem = (e: string) => {
      const c = compileRule(e);
      if (c.ok) throw new Error(`compiled: ${e}`);
      return c.problem;
    };
    expect(problem("tx.amont > 1")).toMatchObject({ code: "cel_type", start: 3 });
    expect(problem('tx.amount_usd > "x"')).toMatchObject({ code: "cel_type" });
    expect(problem("tx.amount_usd > 1 &&")).toMatchObject({ code: "cel_syntax" });
    expect(problem("tx.amount_usd")).toMatchObject({ code: "cel_not_bool" });
    expect(problem("merchant == 1")).toMatchObject({ code: "cel_type" });
    expect(problem('tx.email_domain.matches("(a+)+$")')).toMatchObject({ code: "cel_refused", start: expect.any(Number) });
    expect(problem(`tx.amount_usd > 1.0 ${"|| true ".repeat(400)}`)).toMatchObject({ code: "cel_too_large" });
    expect(problem(`${Array.from({ length: 300 }, (_, i) => `score > ${i}.0`).join(" || ")}`).code).toMatch(/cel_/);
  });

  it("refuse what could make one evaluation costly: only allowed calls, macros over list literals, not nested, within a cost", () => {
    const code = (e: string) => {
      const c = compileRule(e);
      return c.ok ? "ok" : c.problem.code;
    };
    // 127 characters, 256³ iterations (~1 s per evaluation) if it ran.
    expect(code('cel.bind(s,"xxxx",cel.bind(t,s+s+s+s+s+s+s+s,cel.bind(l,(t+t+t+t+t+t+t+t).split(""),l.all(a,l.all(b,l.all(c,true))))))')).toBe("cel_refused");
    expect(code('tx.email_domain.split(".").size() > 1')).toBe("cel_refused");
    expect(code('["a"].exists(v, ["b"].exists(w, w == v))')).toBe("cel_refused");
    expect(code('["a", "b"].map(v, v + v).size() > 1')).toBe("cel_refused");
    expect(code(`[${Array.from({ length: 150 }, (_, i) => `"d${i}"`).join(",")}].exists(d, tx.email_domain.endsWith(d) || tx.email_domain.startsWith(d) || tx.email_domain == d)`)).toBe("cel_too_costly");
    expect(code('["mailinator.com", "yopmail.com"].exists(d, tx.email_domain.endsWith(d)) && size(tx.customer_id) == 0')).toBe("ok");
    expect(code('tx.customer_id.lowerAscii().contains("vip") || int(score * 100.0) > 5 || has(tx.ip)')).toBe("ok");
  });
});
