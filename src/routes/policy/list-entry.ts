import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../errors/problem";
import type { AppEnv } from "../../http/env";
import { problems } from "../../http/problems";
import { ListEntrySchema } from "../../schemas/policy";
import { fromStore, policyAccess } from "./access";

const params = z.object({ id: z.string().regex(/^le_[0-9a-f]{16}$/, "must be a list entry id (le_ and 16 hex digits)").openapi({ param: { name: "id", in: "path" }, example: "le_3f2a9c0d4b1e8f76" }) });

export const getListEntryRoute = createRoute({
  method: "get",
  path: "/v1/lists/entries/{id}",
  summary: "One list entry",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  request: { params },
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: ListEntrySchema } }, description: "The entry" },
    400: problems("Not a list entry id"),
    404: problems("No such entry in the merchant's lists"),
    503: problems("The policy store is not reachable"),
  },
});

export const deleteListEntryRoute = createRoute({
  method: "delete",
  path: "/v1/lists/entries/{id}",
  summary: "Remove a list entry",
  description: "Takes effect on the merchant's next score on every edge node; the audit trail keeps what was removed.",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  request: { params },
  responses: {
    ...policyAccess.responses,
    200: {
      content: { "application/json": { schema: z.object({ deleted: ListEntrySchema, policy_version: z.number().int() }).openapi("ListEntryDeleted") } },
      description: "The entry was removed",
    },
    400: problems("Not a list entry id"),
    404: problems("No such entry in the merchant's lists"),
    503: problems("The policy store is not reachable"),
  },
});

export function registerListEntry(app: OpenAPIHono<AppEnv>) {
  app.openapi(getListEntryRoute, async (c) => {
    const { id } = c.req.valid("param");
    const entry = await fromStore(() => c.get("services").policy.getEntry(c.get("principal").merchantId, id));
    // An expired entry matches nothing any more, and is purged by the next write.
    if (!entry || (entry.expires_at !== undefined && Date.parse(entry.expires_at) <= Date.now())) throw new ApiError("not_found", `No list entry ${id}`);
    return c.json(entry, 200);
  });
  app.openapi(deleteListEntryRoute, async (c) => {
    const { id } = c.req.valid("param");
    const principal = c.get("principal");
    const out = await fromStore(() =>
      c.get("services").policy.deleteEntry(principal.merchantId, id, { at: new Date().toISOString(), actor: principal.keyId, action: "list_entry.delete" }),
    );
    if (!out.removed) throw new ApiError("not_found", `No list entry ${id}`);
    return c.json({ deleted: out.removed, policy_version: out.version }, 200);
  });
}
