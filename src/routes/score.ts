import { createRoute, z, type OpenAPIHono, type RouteHandler } from "@hono/zod-openapi";
import { keyAccess } from "../auth/access";
import { forMerchant } from "../auth/merchant-scope";
import { ApiError, ProblemSchema } from "../errors/problem";
import { jsonBody } from "../middleware/json-body";
import { panGuard } from "../middleware/pan-guard";
import { withRequestDegradations } from "../middleware/rate-limit";
import { ScoreResultSchema } from "../schemas/score";
import { TransactionRequestSchema } from "../schemas/transaction";
import { afterResponse } from "../scoring/after-response";
import { edgeContext } from "../scoring/edge";
import { toStoreItem } from "../scoring/item";
import { scoreItems } from "../scoring/score";
import { scoreDeps } from "../scoring/load-model";
import type { AppEnv } from "../services";

export const MAX_SCORE_BODY_BYTES = 64 * 1024;

const access = keyAccess({ keys: ["publishable", "secret"], scope: "score" });

const problems = (description: string) => ({ content: { "application/problem+json": { schema: ProblemSchema } }, description });

export const scoreRoute = createRoute({
  method: "post",
  path: "/v1/score",
  summary: "Score one transaction",
  description:
    "Returns a fraud score, a decision and the features that drove it. The same `transaction_id` (or `Idempotency-Key` header) within 24 h returns the stored answer without counting the transaction twice.",
  security: access.security,
  middleware: [...access.middleware, jsonBody(MAX_SCORE_BODY_BYTES), panGuard] as const,
  request: {
    headers: z.object({
      "idempotency-key": z.string().min(1).max(128).optional().openapi({
        description: "Optional; defaults to the transaction id. Scoped to the merchant, kept 24 h.",
      }),
    }),
    body: { content: { "application/json": { schema: TransactionRequestSchema } }, required: true },
  },
  responses: {
    ...access.responses,
    200: { content: { "application/json": { schema: ScoreResultSchema } }, description: "The decision" },
    400: problems("Malformed JSON, invalid fields (every offending field listed) or a card number in the body"),
    409: problems("A request with this transaction id / idempotency key is still being answered"),
    413: problems(`Body over ${MAX_SCORE_BODY_BYTES} bytes`),
    415: problems("Content-Type is not application/json"),
    422: problems("The idempotency key was used for a different transaction"),
  },
});

/** The route's handler; everything before it (key, rate limit, body checks) is the route's middleware. */
export const answerScore: RouteHandler<typeof scoreRoute, AppEnv> = async (c) => {
  const tx = forMerchant(c.req.valid("json"), c.get("principal"));
  const services = c.get("services");
  const item = toStoreItem(tx, edgeContext(c.req.raw), Date.now(), c.get("principal"), c.req.valid("header")["idempotency-key"]);
  const run = await withRequestDegradations(c, await scoreItems([item], await scoreDeps(services), c.get("startedAt")));
  const outcome = run.outcomes[0]!;
  if (outcome.kind === "in_progress") throw new ApiError("idempotency_in_progress");
  if (outcome.kind === "replay") {
    if (outcome.result.transaction_id !== tx.transaction_id) throw new ApiError("idempotency_key_reused");
    return c.json(outcome.result, 200, { "Idempotent-Replayed": "true" });
  }
  afterResponse(c, [item], run);
  return c.json(outcome.result, 200);
};

export function registerScore(app: OpenAPIHono<AppEnv>) {
  app.openapi(scoreRoute, answerScore);
}
