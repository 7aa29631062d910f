import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env";
import { problems } from "../../http/problems";
import { LIST_KINDS, ListEntrySchema } from "../../schemas/policy";
import { fromStore, policyAccess } from "./access";

export const listEntriesRoute = createRoute({
  method: "get",
  path: "/v1/lists/entries",
  summary: "The merchant's list entries, a page at a time",
  description:
    "Entries in no particular order; follow `next_cursor` until it is null. A page may hold fewer entries than `limit` (even none) and still have a next one, or a few more. Expired entries are left out (they no longer match).",
  security: policyAccess.security,
  middleware: policyAccess.middleware,
  request: {
    query: z.object({
      kind: z.enum(LIST_KINDS).optional(),
      cursor: z
        .string()
        .regex(/^\d{1,20}$/, "must be a cursor from an earlier page")
        .refine((c) => !/^\d{1,20}$/.test(c) || BigInt(c) < 2n ** 64n, "must be a cursor from an earlier page")
        .optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    ...policyAccess.responses,
    200: {
      content: { "application/json": { schema: z.object({ entries: z.array(ListEntrySchema), next_cursor: z.string().nullable() }).openapi("ListEntryPage") } },
      description: "A page of entries",
    },
    400: problems("An unknown kind, a bad cursor or limit"),
    503: problems("The policy store is not reachable"),
  },
});

export function registerListEntries(app: OpenAPIHono<AppEnv>) {
  app.openapi(listEntriesRoute, async (c) => {
    const { kind, cursor, limit } = c.req.valid("query");
    const { merchantId } = c.get("principal");
    const page = await fromStore(() => c.get("services").policy.listEntries(merchantId, { ...(kind && { kind }), cursor: cursor ?? "0", limit }));
    const now = Date.now();
    const entries = page.entries.filter((e) => e.expires_at === undefined || Date.parse(e.expires_at) > now);
    return c.json({ entries, next_cursor: page.cursor === "0" ? null : page.cursor }, 200);
  });
}
