import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../errors/problem";
import type { AppEnv } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { problems } from "../../http/problems";
import { LABEL_OUTCOMES, REVIEW_OUTCOMES, StoredLabelSchema, StoredReviewSchema, TransactionRecordSchema } from "../../schemas/feedback";
import { TransactionIdParams, feedbackAccess, fromStore } from "./access";

export const listReviewsRoute = createRoute({
  method: "get",
  path: "/v1/reviews",
  summary: "The open review queue",
  description: "Your transactions decided `review` and not yet resolved, oldest first, a page at a time (`cursor` from the previous page's `next`).",
  security: feedbackAccess.security,
  middleware: feedbackAccess.middleware,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(200).regex(/^\d+:[A-Za-z0-9_.:-]+$/, "a `next` from an earlier page").optional(),
    }),
  },
  responses: {
    ...feedbackAccess.responses,
    200: {
      content: { "application/json": { schema: z.object({ reviews: z.array(TransactionRecordSchema), next: z.string().optional() }).openapi("ReviewQueuePage") } },
      description: "A page of the queue",
    },
    503: problems("The transaction store is not reachable"),
  },
});

export const resolveReviewRoute = createRoute({
  method: "post",
  path: "/v1/reviews/{transaction_id}",
  summary: "Resolve a review: fraud or legitimate",
  description:
    "Takes the transaction out of the queue and labels it (`manual_review`, docs/feedback.md#precedence). Resolving it again answers the first resolution, unchanged.",
  security: feedbackAccess.security,
  middleware: [...feedbackAccess.middleware, jsonBody(4 * 1024)] as const,
  request: {
    params: TransactionIdParams,
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ outcome: z.enum(REVIEW_OUTCOMES), note: z.string().max(500).regex(/^[^\p{Cc}]*$/u, "must not contain control characters").optional() })
            .strict()
            .openapi("ReviewResolution"),
        },
      },
      required: true,
    },
  },
  responses: {
    ...feedbackAccess.responses,
    200: {
      content: {
        "application/json": {
          schema: z
            .object({
              transaction_id: z.string(),
              review: StoredReviewSchema,
              label: z.object({ status: z.enum(LABEL_OUTCOMES), label: StoredLabelSchema }).optional(),
              resolved_before: z.boolean(),
            })
            .openapi("ReviewResolved"),
        },
      },
      description: "Resolved (or resolved before)",
    },
    400: problems("Invalid body"),
    404: problems("Not in your review queue"),
    503: problems("The transaction store is not reachable"),
  },
});

export function registerReviews(app: OpenAPIHono<AppEnv>) {
  app.openapi(listReviewsRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const { merchantId } = c.get("principal");
    const page = await fromStore(() => c.get("services").transactions.openReviews(merchantId, { limit, ...(cursor && { after: cursor }) }));
    return c.json({ reviews: page.items, ...(page.next && { next: page.next }) }, 200);
  });

  app.openapi(resolveReviewRoute, async (c) => {
    const { transaction_id } = c.req.valid("param");
    const { outcome, note } = c.req.valid("json");
    const principal = c.get("principal");
    const at = new Date().toISOString();
    const review = { outcome, by: principal.keyId, at, ...(note !== undefined && { note }) };
    const label = { transaction_id, label: outcome, source: "manual_review" as const, learnt_at: at, received_at: at };
    const out = await fromStore(() => c.get("services").transactions.resolveReview(principal.merchantId, transaction_id, review, label));
    if (out.kind === "unknown") throw new ApiError("not_found", "No open review of yours has this transaction id");
    return c.json(
      {
        transaction_id,
        review: out.review,
        ...(out.label.kind !== "unknown" && { label: { status: out.label.kind, label: out.label.current } }),
        resolved_before: out.kind === "already",
      },
      200,
    );
  });
}
