import { createRoute, z, type OpenAPIHono, type RouteHandler } from "@hono/zod-openapi";
import { clientNetwork } from "../auth/client-network";
import { forMerchant } from "../auth/merchant-scope";
import { ApiError } from "../errors/problem";
import { edgeContext } from "../http/edge";
import type { AppEnv } from "../http/env";
import { jsonBody } from "../http/json-body";
import { keyAccess } from "../http/key-access";
import { panGuard } from "../http/pan-guard";
import { problems } from "../http/problems";
import { requestDegradations } from "../http/rate-limit";
import { createdAtProblem, runDecisions, toStoreItem } from "../pipeline";
import { ScoreAnswerSchema, type ScoreAnswer, type ScoreResult } from "../schemas/score";
import { TransactionRequestSchema } from "../schemas/transaction";

export const MAX_SCORE_BODY_BYTES = 64 * 1024;

const access = keyAccess({ keys: ["publishable", "secret"], scope: "score" });

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
    200: { content: { "application/json": { schema: ScoreAnswerSchema } }, description: "The decision" },
    400: problems("Malformed JSON, invalid fields (every offending field listed) or a card number in the body"),
    409: problems("A request with this transaction id / idempotency key is still being answered"),
    413: problems(`Body over ${MAX_SCORE_BODY_BYTES} bytes`),
    415: problems("Content-Type is not application/json"),
    422: problems("The transaction id / idempotency key was used for a different request (another body, or from a page, another shopper)"),
  },
});

/**
 * The route's handler; everything before it (key, rate limit, body checks) is the route's middleware. HTTP in:
 * one validated transaction becomes one pipeline item; the pipeline's outcome becomes the answer.
 */
export const answerScore: RouteHandler<typeof scoreRoute, AppEnv> = async (c) => {
  const principal = c.get("principal");
  const tx = forMerchant(c.req.valid("json"), principal);
  const receivedAt = Date.now();
  const caller = { kind: principal.kind, mode: principal.mode, shopper: clientNetwork(c.req.raw) };
  const late = createdAtProblem(tx, receivedAt, caller);
  if (late) throw new ApiError("validation_failed", undefined, [late]);
  const item = await toStoreItem(tx, edgeContext(c.req.raw), receivedAt, caller, c.req.valid("header")["idempotency-key"]);
  const run = await runDecisions([item], c.get("services"), {
    startedAt: c.get("startedAt"),
    degradations: requestDegradations(c),
    waitUntil: (work) => c.executionCtx.waitUntil(work),
  });
  const outcome = run.outcomes[0]!;
  if (outcome.kind === "in_progress") throw new ApiError("idempotency_in_progress");
  if (outcome.kind === "conflict") throw new ApiError("idempotency_key_reused");
  if (outcome.kind === "replay") return c.json(shownTo(principal.kind, outcome.result), 200, { "Idempotent-Replayed": "true" });
  return c.json(shownTo(principal.kind, outcome.result), 200);
};

/**
 * A checkout page is not told which model decided: with a challenger live, a script trying shopper ids (the split
 * key) could otherwise find the shoppers the more lenient model decides for. The merchant's server is told.
 */
function shownTo(kind: "publishable" | "secret", result: ScoreResult): ScoreAnswer {
  if (kind === "secret") return result;
  const { model: _model, ...rest } = result;
  return rest;
}

export function registerScore(app: OpenAPIHono<AppEnv>) {
  app.openapi(scoreRoute, answerScore);
}
