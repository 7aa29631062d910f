import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../errors/problem";
import type { AppEnv } from "../../http/env";
import { problems } from "../../http/problems";
import { StoredLabelSchema, StoredReviewSchema, TransactionRecordSchema } from "../../schemas/feedback";
import { TransactionIdParams, feedbackAccess, fromStore } from "./access";

export const transactionRoute = createRoute({
  method: "get",
  path: "/v1/transactions/{transaction_id}",
  summary: "A scored transaction as kept: its decision, its label, its review",
  description: "What the scorer keeps of one of your scored transactions (180 days): the decision, score, model, entities and reason codes, the label that stands, and the review's outcome.",
  security: feedbackAccess.security,
  middleware: feedbackAccess.middleware,
  request: { params: TransactionIdParams },
  responses: {
    ...feedbackAccess.responses,
    200: {
      content: {
        "application/json": {
          schema: z
            .object({
              transaction: TransactionRecordSchema,
              label: StoredLabelSchema.optional(),
              review: StoredReviewSchema.optional(),
            })
            .openapi("KeptTransaction"),
        },
      },
      description: "The transaction",
    },
    404: problems("No scored transaction of yours has this id"),
    503: problems("The transaction store is not reachable"),
  },
});

export function registerTransaction(app: OpenAPIHono<AppEnv>) {
  app.openapi(transactionRoute, async (c) => {
    const { transaction_id } = c.req.valid("param");
    const kept = await fromStore(() => c.get("services").transactions.get(c.get("principal").merchantId, transaction_id));
    if (!kept) throw new ApiError("not_found", "No scored transaction of yours has this id (records are kept 180 days)");
    return c.json({ transaction: kept.record, ...(kept.label && { label: kept.label }), ...(kept.review && { review: kept.review }) }, 200);
  });
}
