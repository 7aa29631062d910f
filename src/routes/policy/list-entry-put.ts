import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../errors/problem";
import type { AppEnv } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { panGuard } from "../../http/pan-guard";
import { problems } from "../../http/problems";
import { listEntryId, normalizeListValue, rangeOf } from "../../policy";
import { LIST_ACTIONS, LIST_KINDS, ListEntrySchema, MAX_NOTE_CHARS, type ListEntry } from "../../schemas/policy";
import { fromStore, policyAccess } from "./access";

/** How far ahead an expiry may be set: a longer-lived entry is a permanent one (leave `expires_at` out). */
const MAX_EXPIRY_MS = 5 * 365 * 24 * 60 * 60 * 1000;

export const ListEntryRequestSchema = z
  .object({
    kind: z.enum(LIST_KINDS),
    value: z.string().min(1).max(256).openapi({ example: "card_fp_8f14e45f" }),
    action: z.enum(LIST_ACTIONS),
    note: z
      .string()
      .max(MAX_NOTE_CHARS)
      .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
      .optional()
      .openapi({ example: "chargeback 2026-11-30, case 4411" }),
    expires_at: z.iso.datetime({ offset: true, error: "must be an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z" }).optional(),
  })
  .strict()
  .openapi("ListEntryRequest");

export const ListEntryWriteSchema = z
  .object({ entry: ListEntrySchema, replaced: z.boolean(), policy_version: z.number().int() })
  .openapi("ListEntryWrite");

export const putListEntryRoute = createRoute({
  method: "post",
  path: "/v1/lists/entries",
  summary: "Add a list entry (or replace the one for the same kind and value)",
  description:
    "Adds a value to the merchant's allow, block or review list. One entry per kind and value: adding it again replaces it (its id stays the same), so the call is idempotent. Takes effect on the merchant's next score on every edge node.",
  security: policyAccess.security,
  middleware: [...policyAccess.middleware, jsonBody(8 * 1024), panGuard] as const,
  request: { body: { content: { "application/json": { schema: ListEntryRequestSchema } }, required: true } },
  responses: {
    ...policyAccess.responses,
    200: { content: { "application/json": { schema: ListEntryWriteSchema } }, description: "An entry for this kind and value existed and was replaced" },
    201: { content: { "application/json": { schema: ListEntryWriteSchema } }, description: "The entry was added" },
    400: problems("Invalid fields (a value not of its kind, an expiry in the past), or a card number in the body"),
    409: problems("The lists are full (`policy_limit_reached`)"),
    503: problems("The policy store is not reachable"),
  },
});

export function registerPutListEntry(app: OpenAPIHono<AppEnv>) {
  app.openapi(putListEntryRoute, async (c) => {
    const body = c.req.valid("json");
    const principal = c.get("principal");
    const normalized = normalizeListValue(body.kind, body.value);
    if (!normalized.ok) throw new ApiError("validation_failed", undefined, [{ path: "value", code: "invalid_value", message: normalized.message }]);
    const now = Date.now();
    if (body.expires_at !== undefined) {
      const at = Date.parse(body.expires_at);
      if (at <= now || at > now + MAX_EXPIRY_MS) {
        throw new ApiError("validation_failed", undefined, [{ path: "expires_at", code: "out_of_range", message: "must be in the future, within 5 years" }]);
      }
    }
    const entry: ListEntry = {
      id: await listEntryId(body.kind, normalized.value),
      kind: body.kind,
      value: normalized.value,
      action: body.action,
      ...(body.note !== undefined && { note: body.note }),
      ...(body.expires_at !== undefined && { expires_at: new Date(body.expires_at).toISOString() }),
      created_at: new Date(now).toISOString(),
      created_by: principal.keyId,
    };
    const isRange = entry.kind === "ip" && rangeOf(entry.value) !== undefined;
    const { policy } = c.get("services");
    const out = await fromStore(() =>
      policy.putEntry(principal.merchantId, entry, isRange, { at: entry.created_at, actor: principal.keyId, action: "list_entry.put", entry }),
    );
    if (out.kind === "collision") {
      throw new ApiError("validation_failed", undefined, [{ path: "value", code: "id_collision", message: "this value's entry id is another value's; change the value's spelling" }]);
    }
    if (out.kind === "full") {
      throw new ApiError("policy_limit_reached", `At most ${out.limit} ${out.what === "ranges" ? "IP ranges" : "list entries"} per merchant; delete or replace some first`);
    }
    return c.json({ entry, replaced: out.replaced !== undefined, policy_version: out.version }, out.replaced ? 200 : 201);
  });
}
