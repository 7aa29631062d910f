import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { merchantMismatch, withKeyMerchant } from "../../auth/merchant-scope";
import { ApiError, type FieldError } from "../../errors/problem";
import { edgeContext } from "../../http/edge";
import type { AppEnv } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { panGuard } from "../../http/pan-guard";
import { problems } from "../../http/problems";
import { testRule } from "../../pipeline";
import { compileRule, type RuleProblem } from "../../policy";
import { MAX_EXPRESSION_CHARS, MAX_RULES, RULE_ACTIONS, RuleSchema, type Rule } from "../../schemas/policy";
import { TransactionRequestSchema } from "../../schemas/transaction";
import { fromStore, policyAccess } from "./access";

export const RuleRequestSchema = z
  .object({
    name: z.string().min(1).max(100).openapi({ example: "Large first purchase from abroad" }),
    expression: z.string().min(1).max(MAX_EXPRESSION_CHARS).openapi({ example: "tx.amount_usd > 500.0 && features.card_age_days < 1.0 && tx.card_country != tx.ip_country" }),
    action: z.enum(RULE_ACTIONS),
    enabled: z.boolean().default(true),
    description: z.string().max(500).optional(),
  })
  .strict()
  .openapi("RuleRequest");

const RuleWriteSchema = z.object({ rule: RuleSchema, policy_version: z.number().int() }).openapi("RuleWrite");
const params = z.object({ id: z.string().regex(/^rule_[0-9a-f]{16}$/, "must be a rule id (rule_ and 16 hex digits)").openapi({ param: { name: "id", in: "path" }, example: "rule_6b1f0c9e2d4a7358" }) });

const body = { content: { "application/json": { schema: RuleRequestSchema } }, required: true } as const;
const writeErrors = {
  400: problems(
    "Invalid fields, or an expression that does not compile: `errors[]` names `expression` with the problem (`cel_syntax`, `cel_type`, `cel_not_bool`, `cel_refused`, `cel_too_large`, `cel_too_costly`) and its `position`",
  ),
  503: problems("The policy store is not reachable"),
};

export const createRuleRoute = createRoute({
  method: "post",
  path: "/v1/rules",
  summary: "Add a rule",
  description:
    "A CEL condition over the transaction, its features, the model's score and the edge's network facts (docs/policy.md), with the action it takes when it holds. Compiled and type-checked now: an unknown field or a wrong type is refused with its position. Takes effect on the merchant's next score on every edge node.",
  security: policyAccess.security,
  middleware: [...policyAccess.middleware, jsonBody(8 * 1024), panGuard] as const,
  request: { body },
  responses: { ...policyAccess.responses, 201: { content: { "application/json": { schema: RuleWriteSchema } }, description: "The rule was added" }, ...writeErrors, 409: problems(`The merchant has ${MAX_RULES} rules already (\`policy_limit_reached\`)`) },
});

export const replaceRuleRoute = createRoute({
  method: "put",
  path: "/v1/rules/{id}",
  summary: "Replace a rule",
  security: policyAccess.security,
  middleware: [...policyAccess.middleware, jsonBody(8 * 1024), panGuard] as const,
  request: { params, body },
  responses: { ...policyAccess.responses, 200: { content: { "application/json": { schema: RuleWriteSchema } }, description: "Replaced" }, ...writeErrors, 404: problems("No such rule") },
});

export const listRulesRoute = createRoute({
  method: "get",
  path: "/v1/rules",
  summary: "The merchant's rules, in evaluation order (oldest first within each stage)",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  responses: { ...policyAccess.responses, 200: { content: { "application/json": { schema: z.object({ rules: z.array(RuleSchema) }) } }, description: "The rules" }, 503: problems("The policy store is not reachable") },
});

export const getRuleRoute = createRoute({
  method: "get",
  path: "/v1/rules/{id}",
  summary: "One rule",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  request: { params },
  responses: { ...policyAccess.responses, 200: { content: { "application/json": { schema: RuleSchema } }, description: "The rule" }, 400: problems("Not a rule id"), 404: problems("No such rule"), 503: problems("The policy store is not reachable") },
});

export const deleteRuleRoute = createRoute({
  method: "delete",
  path: "/v1/rules/{id}",
  summary: "Remove a rule",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  request: { params },
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: z.object({ deleted: RuleSchema, policy_version: z.number().int() }) } }, description: "Removed" },
    400: problems("Not a rule id"),
    404: problems("No such rule"),
    503: problems("The policy store is not reachable"),
  },
});

const MAX_TEST_TRANSACTIONS = 100;

export const testRuleRoute = createRoute({
  method: "post",
  path: "/v1/rules/test",
  summary: "Evaluate a draft rule against transactions, changing nothing",
  description:
    "Each transaction is scored as a score would score it — same features, same model — without being recorded, and with neutral behaviour (each card, device, IP and customer at its training reference: reading history without adding to it is not a score's path). For a rule against real history, backtest it (`npm run backtest`, docs/policy.md).",
  security: policyAccess.security,
  middleware: [...policyAccess.middleware, jsonBody(512 * 1024), panGuard] as const,
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({ expression: z.string().min(1).max(MAX_EXPRESSION_CHARS), transactions: z.array(TransactionRequestSchema).min(1).max(MAX_TEST_TRANSACTIONS) }).strict().openapi("RuleTest"),
        },
      },
      required: true,
    },
  },
  responses: {
    ...policyAccess.responses,
    200: {
      content: {
        "application/json": {
          schema: z
            .object({
              results: z.array(z.object({ transaction_id: z.string(), matched: z.boolean(), score: z.number(), error: z.string().optional() })),
              matched: z.number().int(),
            })
            .openapi("RuleTestResult"),
        },
      },
      description: "Whether the rule holds for each transaction (a rule that fails at run time is reported, and does not match)",
    },
    400: problems("Invalid transactions, or an expression that does not compile (with its position)"),
    503: problems("The model could not be loaded"),
  },
});

function expressionError(p: RuleProblem): ApiError {
  const error: FieldError = { path: "expression", code: p.code, message: p.message, ...(p.start !== undefined && { position: { start: p.start, end: p.end ?? p.start + 1 } }) };
  return new ApiError("validation_failed", `The rule's expression does not compile: ${p.message}`, [error]);
}

function compiledOrThrow(expression: string) {
  const compiled = compileRule(expression);
  if (!compiled.ok) throw expressionError(compiled.problem);
  return compiled.run;
}

const randomId = () => `rule_${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
const byEvaluationOrder = (a: Rule, b: Rule) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1);

export function registerRules(app: OpenAPIHono<AppEnv>) {
  app.openapi(createRuleRoute, async (c) => {
    const req = c.req.valid("json");
    compiledOrThrow(req.expression);
    const principal = c.get("principal");
    const now = new Date().toISOString();
    const rule: Rule = { id: randomId(), ...req, created_at: now, created_by: principal.keyId, updated_at: now };
    const out = await fromStore(() => c.get("services").policy.putRule(principal.merchantId, rule, true, { at: now, actor: principal.keyId, action: "rule.put", rule }));
    if (out.kind === "full") throw new ApiError("policy_limit_reached", `At most ${out.limit} rules per merchant; delete or replace one first`);
    if (out.kind === "missing") throw new Error("a new rule was reported missing");
    return c.json({ rule, policy_version: out.version }, 201);
  });

  app.openapi(replaceRuleRoute, async (c) => {
    const { id } = c.req.valid("param");
    const req = c.req.valid("json");
    compiledOrThrow(req.expression);
    const principal = c.get("principal");
    const { policy } = c.get("services");
    const existing = (await fromStore(() => policy.rules(principal.merchantId))).find((r) => r.id === id);
    if (!existing) throw new ApiError("not_found", `No rule ${id}`);
    const now = new Date().toISOString();
    // Its place in the evaluation order (created_at) and its author stay; what changed and who changed it is audited.
    const rule: Rule = { id, ...req, created_at: existing.created_at, created_by: existing.created_by, updated_at: now };
    const out = await fromStore(() => policy.putRule(principal.merchantId, rule, false, { at: now, actor: principal.keyId, action: "rule.put", rule }));
    if (out.kind !== "stored") throw new ApiError("not_found", `No rule ${id}`);
    return c.json({ rule, policy_version: out.version }, 200);
  });

  app.openapi(listRulesRoute, async (c) => {
    const rules = await fromStore(() => c.get("services").policy.rules(c.get("principal").merchantId));
    return c.json({ rules: rules.sort(byEvaluationOrder) }, 200);
  });

  app.openapi(getRuleRoute, async (c) => {
    const { id } = c.req.valid("param");
    const rule = (await fromStore(() => c.get("services").policy.rules(c.get("principal").merchantId))).find((r) => r.id === id);
    if (!rule) throw new ApiError("not_found", `No rule ${id}`);
    return c.json(rule, 200);
  });

  app.openapi(deleteRuleRoute, async (c) => {
    const { id } = c.req.valid("param");
    const principal = c.get("principal");
    const out = await fromStore(() => c.get("services").policy.deleteRule(principal.merchantId, id, { at: new Date().toISOString(), actor: principal.keyId, action: "rule.delete" }));
    if (!out.removed) throw new ApiError("not_found", `No rule ${id}`);
    return c.json({ deleted: out.removed, policy_version: out.version }, 200);
  });

  app.openapi(testRuleRoute, async (c) => {
    const { expression, transactions } = c.req.valid("json");
    const run = compiledOrThrow(expression);
    const principal = c.get("principal");
    const edge = edgeContext(c.req.raw);
    const now = Date.now();
    const inputs = transactions.map((t, i) => {
      const denied = merchantMismatch(t, principal, ["transactions", i]);
      if (denied) throw denied;
      return { tx: withKeyMerchant(t, principal), edge, t: now };
    });
    const results = await testRule(run, inputs, c.get("services"), c.get("principal").merchantId);
    return c.json({ results, matched: results.filter((r) => r.matched).length }, 200);
  });
}
