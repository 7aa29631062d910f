import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { problems } from "../../http/problems";
import { loadModel } from "../../model/load";
import { merchantDefault } from "../../model/routing";
import { AuditRecordSchema, MAX_IP_RANGES, MAX_LIST_ENTRIES, ThresholdsSchema } from "../../schemas/policy";
import { fromStore, policyAccess } from "./access";

export const PolicySchema = z
  .object({
    version: z.number().int().openapi({ description: "Bumped by every change; each score names the version it used" }),
    thresholds: ThresholdsSchema.extend({ source: z.enum(["merchant", "model"]) }).openapi({
      description: "The thresholds scores are decided by when no list entry matches: the merchant's own if set, else the model card's",
    }),
    model_thresholds: ThresholdsSchema,
    lists: z.object({ entries: z.number().int(), ip_ranges: z.number().int() }),
    limits: z.object({ entries: z.number().int(), ip_ranges: z.number().int() }),
  })
  .openapi("Policy");

export const getPolicyRoute = createRoute({
  method: "get",
  path: "/v1/policy",
  summary: "The merchant's policy: version, thresholds in force, list sizes",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: PolicySchema } }, description: "The policy" },
    503: problems("The policy store (or the model) is not reachable"),
  },
});

export const putThresholdsRoute = createRoute({
  method: "put",
  path: "/v1/policy/thresholds",
  summary: "Set the merchant's review and decline thresholds",
  description: "Scores at or above `decline` are declined, at or above `review` reviewed, unless a list entry decides. Overrides the model card's thresholds for this merchant only.",
  security: policyAccess.security,
  middleware: [...policyAccess.middleware, jsonBody(1024)] as const,
  request: { body: { content: { "application/json": { schema: ThresholdsSchema } }, required: true } },
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: z.object({ thresholds: ThresholdsSchema, policy_version: z.number().int() }) } }, description: "Set" },
    400: problems("Thresholds outside 0–1, or review above decline"),
    503: problems("The policy store is not reachable"),
  },
});

export const deleteThresholdsRoute = createRoute({
  method: "delete",
  path: "/v1/policy/thresholds",
  summary: "Go back to the model card's thresholds",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: z.object({ policy_version: z.number().int() }) } }, description: "Removed" },
    503: problems("The policy store is not reachable"),
  },
});

export const auditRoute = createRoute({
  method: "get",
  path: "/v1/policy/audit",
  summary: "Who changed the merchant's policy, what, and when (newest first)",
  description: "The last 10,000 changes are kept. Each record names the key that made the change and the version it produced, with what it replaced or removed.",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: z.object({ records: z.array(AuditRecordSchema) }).openapi("PolicyAudit") } }, description: "The records" },
    400: problems("A bad limit"),
    503: problems("The policy store is not reachable"),
  },
});

export function registerPolicySettings(app: OpenAPIHono<AppEnv>) {
  app.openapi(getPolicyRoute, async (c) => {
    const services = c.get("services");
    const merchant = c.get("principal").merchantId;
    // The thresholds of the model deciding for this merchant (its pin, else live), as this edge node holds it.
    const held = services.models.cardOf(merchantDefault(services.routing.current(), merchant));
    const thresholds = (held ?? (await loadModel(() => services.models.fallback())).card).thresholds;
    const settings = await fromStore(() => services.policy.settings(merchant));
    const card = { review: thresholds.review, decline: thresholds.decline };
    return c.json(
      {
        version: settings.version,
        thresholds: settings.thresholds ? { ...settings.thresholds, source: "merchant" as const } : { ...card, source: "model" as const },
        model_thresholds: card,
        lists: { entries: settings.entries, ip_ranges: settings.ranges },
        limits: { entries: MAX_LIST_ENTRIES, ip_ranges: MAX_IP_RANGES },
      },
      200,
    );
  });
  app.openapi(putThresholdsRoute, async (c) => {
    const thresholds = c.req.valid("json");
    const principal = c.get("principal");
    const { version } = await fromStore(() =>
      c.get("services").policy.putThresholds(principal.merchantId, thresholds, { at: new Date().toISOString(), actor: principal.keyId, action: "thresholds.put", thresholds }),
    );
    return c.json({ thresholds, policy_version: version }, 200);
  });
  app.openapi(deleteThresholdsRoute, async (c) => {
    const principal = c.get("principal");
    const { version } = await fromStore(() =>
      c.get("services").policy.putThresholds(principal.merchantId, null, { at: new Date().toISOString(), actor: principal.keyId, action: "thresholds.delete" }),
    );
    return c.json({ policy_version: version }, 200);
  });
  app.openapi(auditRoute, async (c) => {
    const { limit } = c.req.valid("query");
    const records = await fromStore(() => c.get("services").policy.audit(c.get("principal").merchantId, limit));
    return c.json({ records }, 200);
  });
}
