import { z } from "@hono/zod-openapi";

/**
 * A merchant's decision policy beside the model (docs/policy.md): list entries and thresholds. Plain data shared
 * by the store that keeps it, the domain code that applies it (src/policy) and the routes that manage it.
 */
export const LIST_KINDS = [
  "card_fingerprint",
  "card_bin",
  "email_domain",
  "customer_id",
  "device_id",
  "ip",
  "card_country",
  "ip_country",
  "billing_country",
  "shipping_country",
] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Radar's order: an allow match decides before any block, a block before any review. */
export const LIST_ACTIONS = ["allow", "block", "review"] as const;
export type ListAction = (typeof LIST_ACTIONS)[number];

/** Per merchant: entries in all lists, IP ranges among them (ranges are matched in the Worker, not looked up). */
export const MAX_LIST_ENTRIES = 100_000;
export const MAX_IP_RANGES = 1_000;
export const MAX_NOTE_CHARS = 280;
/** An email domain is probed with its parents up to this many labels (a deeper list entry could never match). */
export const MAX_DOMAIN_LABELS = 5;

export const ListEntrySchema = z
  .object({
    id: z.string().openapi({ example: "le_3f2a9c0d4b1e8f76", description: "Stable for a kind and value: adding the same value again replaces the entry" }),
    kind: z.enum(LIST_KINDS),
    value: z.string().openapi({ example: "card_fp_8f14e45f", description: "As matched: countries upper case, domains lower case, IPs and ranges in canonical form" }),
    action: z.enum(LIST_ACTIONS),
    note: z.string().optional(),
    expires_at: z.string().optional().openapi({ description: "After this the entry no longer matches (and is no longer listed)" }),
    created_at: z.string(),
    created_by: z.string().openapi({ description: "The id of the key that wrote it", example: "key_0f1e2d3c4b5a6978" }),
  })
  .openapi("ListEntry");
export type ListEntry = z.infer<typeof ListEntrySchema>;

export const ThresholdsSchema = z
  .object({
    review: z.number().min(0).max(1).openapi({ example: 0.35 }),
    decline: z.number().min(0).max(1).openapi({ example: 0.8 }),
  })
  .strict()
  .refine((t) => t.review <= t.decline, { message: "review must not be above decline", path: ["review"] })
  .openapi("Thresholds");
export type Thresholds = z.infer<typeof ThresholdsSchema>;

/** A rule's action: Radar's order is request_3ds (advisory: the answer asks for 3-D Secure), allow, block, review. */
export const RULE_ACTIONS = ["request_3ds", "allow", "block", "review"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const MAX_RULES = 100;
export const MAX_EXPRESSION_CHARS = 2_000;

export const RuleSchema = z
  .object({
    id: z.string().openapi({ example: "rule_6b1f0c9e2d4a7358" }),
    name: z.string().openapi({ example: "Large first purchase from abroad" }),
    expression: z.string().openapi({ example: "tx.amount_usd > 500.0 && features.card_age_days < 1.0 && tx.card_country != tx.ip_country" }),
    action: z.enum(RULE_ACTIONS),
    enabled: z.boolean(),
    description: z.string().optional(),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
  })
  .openapi("Rule");
export type Rule = z.infer<typeof RuleSchema>;

/** What changed a merchant's policy, who did, and when: one record per change, newest first when read. */
export const AuditRecordSchema = z
  .object({
    at: z.string(),
    actor: z.string().openapi({ description: "The id of the key that made the change" }),
    action: z.enum(["list_entry.put", "list_entry.delete", "thresholds.put", "thresholds.delete", "rule.put", "rule.delete"]),
    version: z.number().int().openapi({ description: "The policy version the change produced" }),
    entry: ListEntrySchema.optional(),
    before: z.unknown().optional().openapi({ description: "What the change replaced or removed, if anything" }),
    thresholds: ThresholdsSchema.optional(),
    rule: RuleSchema.optional(),
  })
  .openapi("PolicyAuditRecord");
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
