import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "../errors/problem";
import { LIST_ACTIONS, LIST_KINDS, RULE_ACTIONS } from "./policy";
import { MODEL_ROLES } from "./routing";

export const ReasonSchema = z
  .object({
    // A string, not an enum: stored answers and spilled alerts made by an earlier model keep their codes, and new
    // models may add codes (docs/reasons.md) without breaking clients generated from this schema.
    code: z.string().openapi({ example: "card_velocity", description: "What raised the score, e.g. `card_velocity`, `ip_little_history`, `disposable_email_domain` (docs/reasons.md)" }),
    feature: z.string().openapi({ example: "card_count_1h" }),
    value: z.number().openapi({ example: 7 }),
    impact: z.number().openapi({ example: 0.31, description: "This feature's share of the gap between the score and the training reference's score (exact Shapley value from the model's trees, in proportion). Impacts of all features add up to that gap." }),
  })
  .openapi("Reason");

export const DEGRADATIONS = ["features", "rate_limit", "alerts", "policy", "model_registry"] as const;

/** MODEL_ROLES (src/schemas/routing.ts), and the model that stood in for one that could not be loaded. */
export const MODEL_ANSWER_ROLES = [...MODEL_ROLES, "fallback"] as const;
export type ModelAnswerRole = (typeof MODEL_ANSWER_ROLES)[number];

export const DECISION_SOURCES = ["model", "list", "rule", "test_mode"] as const;

export const PolicyHitSchema = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("list"),
      entry_id: z.string().openapi({ example: "le_3f2a9c0d4b1e8f76" }),
      kind: z.enum(LIST_KINDS),
      value: z.string(),
      action: z.enum(LIST_ACTIONS),
    }),
    z.object({
      type: z.literal("rule"),
      rule_id: z.string().openapi({ example: "rule_6b1f0c9e2d4a7358" }),
      name: z.string(),
      action: z.enum(RULE_ACTIONS),
    }),
  ])
  .openapi("PolicyHit");
export type PolicyHitView = z.infer<typeof PolicyHitSchema>;

export const ScoreResultSchema = z
  .object({
    transaction_id: z.string(),
    score: z.number().min(0).max(1).openapi({ description: "Probability of fraud" }),
    risk_level: z.enum(["low", "elevated", "high"]),
    decision: z.enum(["approve", "review", "decline"]),
    decision_source: z.enum(DECISION_SOURCES).optional().openapi({
      description:
        "Secret keys (and test cards): " +
        "what decided: `model` (the score against the thresholds — the merchant's own if set, else the model card's), `list` (an entry of the merchant's lists), `rule` (one of the merchant's CEL rules; docs/policy.md), or `test_mode` (a test card with a test-mode key)",
    }),
    request_3ds: z.boolean().optional().openapi({ description: "true when one of the merchant's request_3ds rules matched: ask the shopper for 3-D Secure (advisory; the decision stands)" }),
    policy: z
      .object({
        version: z.number().int().openapi({ description: "The merchant's policy version the decision used" }),
        decided_by: PolicyHitSchema.optional(),
        hits: z.array(PolicyHitSchema).openapi({
          description: "In evaluation order (request_3ds, allow, block, review): every list entry that matched, and the rules that matched up to the stage that decided (later stages' rules are not run)",
        }),
        rule_errors: z
          .array(z.object({ rule_id: z.string(), message: z.string() }))
          .optional()
          .openapi({ description: "Rules that failed at run time (e.g. a division by zero): skipped, the decision made without them" }),
      })
      .optional()
      .openapi({ description: "Secret keys only (a checkout page is never told which list a shopper is on): what the merchant's policy matched" }),
    reasons: z.array(ReasonSchema),
    model: z
      .object({
        id: z.string(),
        version: z.string(),
        role: z.enum(MODEL_ANSWER_ROLES).optional().openapi({
          description:
            "Why this model decided (docs/models.md): `live`; `challenger` (this shopper is in the challenger's share); `pinned` (the merchant is pinned to this version); `fallback` (the routed model could not be loaded, see `degraded`). Absent on answers stored before routing existed.",
        }),
      })
      .openapi({ description: "The model that decided" }),
    timings: z.object({ total_ms: z.number(), model_ms: z.number() }),
    degraded: z.array(z.enum(DEGRADATIONS)).openapi({
      description: "Dependencies that failed while scoring; the decision was made without them (e.g. `features`: behavioural state unavailable, neutral values used; `policy`: the merchant's lists could not be read, the last known ranges and thresholds were used; `model_registry`: the model routed to could not be loaded, the live or bundled model decided).",
    }),
    replayed: z.boolean().optional().openapi({ description: "true when this is the stored answer to an earlier request with the same transaction id / idempotency key" }),
  })
  .openapi("ScoreResult");
export type ScoreResult = z.infer<typeof ScoreResultSchema>;

/** POST /v1/score's answer: a checkout page (publishable key) is not told which model decided. */
export const ScoreAnswerSchema = ScoreResultSchema.extend({
  model: ScoreResultSchema.shape.model.optional().openapi({ description: "The model that decided — secret keys only: a checkout page is not told" }),
}).openapi("ScoreAnswer");
export type ScoreAnswer = z.infer<typeof ScoreAnswerSchema>;
export type Degradation = (typeof DEGRADATIONS)[number];
export type Decision = ScoreResult["decision"];
export type RiskLevel = ScoreResult["risk_level"];

export const MAX_BATCH = 1000;

export const BatchRequestSchema = z
  .object({
    transactions: z
      // Each item is validated on its own (an invalid one is an error entry, not a 400), so the schema only
      // describes it: a Transaction.
      .array(z.unknown().openapi({ allOf: [{ $ref: "#/components/schemas/Transaction" }], description: "A Transaction; each item is validated on its own." }))
      .min(1)
      .max(MAX_BATCH),
  })
  .openapi("BatchScoreRequest");

export const BatchItemSchema = z.union([
  ScoreResultSchema,
  z.object({ transaction_id: z.string().optional(), error: ProblemSchema }).openapi("BatchItemError"),
]);
export type BatchItem = z.infer<typeof BatchItemSchema>;

export const BatchResponseSchema = z
  .object({
    results: z.array(BatchItemSchema),
    model: z.object({ id: z.string(), version: z.string() }).openapi({ description: "The live model; each result names the model that decided it" }),
    timings: z.object({ total_ms: z.number(), model_ms: z.number() }),
    degraded: z.array(z.enum(DEGRADATIONS)),
  })
  .openapi("BatchScoreResponse");
